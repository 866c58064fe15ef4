import { test } from '@japa/runner'
import Membership from '#models/membership'
import AuditEvent from '#models/audit_event'
import { CLI_META } from '#services/audit'
import ChangeMemberRole from '#actions/members/change_member_role'
import RemoveMember from '#actions/members/remove_member'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Role changes on Settings → Members: who may grant what, the owner the
 * organisation can never lose, and a demotion that takes effect at once.
 */
async function signedIn(account: TestAccount, at = Date.now()) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!, at)
  await web.get('/settings/members')
  return web
}

async function roleOf(account: TestAccount) {
  return (await Membership.findOrFail(account.membership.id)).role
}

function changeRole(web: WebClient, account: TestAccount, role: string) {
  return web.post(`/settings/members/${account.membership.publicId}/role`, { role })
}

/** the message the members page shows after a refused change */
async function flashAfter(web: WebClient) {
  const page = await web.get('/settings/members')
  return page.text
}

test.group('Member roles', (group) => {
  group.each.setup(resetDatabase)

  test('an owner promotes a member to admin, and the change is audited', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const web = await signedIn(owner)

    const response = await changeRole(web, member, 'admin')
    assert.equal(response.location, '/settings/members')
    assert.equal(await roleOf(member), 'admin')
    const audit = await AuditEvent.query().where('event', 'member.role_changed').firstOrFail()
    assert.equal(audit.subject, member.email)
    assert.deepEqual(audit.details, { from: 'member', to: 'admin' })
  })

  test('the last owner cannot demote themselves', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = await signedIn(owner)

    await changeRole(web, owner, 'admin')
    assert.equal(await roleOf(owner), 'owner')
    assert.include(await flashAfter(web), 'An organisation needs at least one owner.')
  })

  test('one of two owners can step down, the remaining one cannot', async ({ assert }) => {
    const first = await createAccount({ role: 'owner' })
    const second = await createAccount({ role: 'owner', organization: first.organization })
    const web = await signedIn(first)

    await changeRole(web, first, 'admin')
    assert.equal(await roleOf(first), 'admin')

    const secondWeb = await signedIn(second)
    await changeRole(secondWeb, second, 'member')
    assert.equal(await roleOf(second), 'owner')
    assert.include(await flashAfter(secondWeb), 'An organisation needs at least one owner.')
  })

  test('two owners demoting or removing each other at the same moment leave one owner', async ({
    assert,
  }) => {
    const first = await createAccount({ role: 'owner' })
    const second = await createAccount({ role: 'owner', organization: first.organization })
    const organization = first.organization
    const demote = (actor: TestAccount, target: TestAccount) =>
      new ChangeMemberRole().execute({
        organization,
        actor: actor.user,
        actorRole: 'owner',
        membershipPublicId: target.membership.publicId,
        role: 'admin',
        meta: CLI_META,
      })
    const remove = (actor: TestAccount, target: TestAccount) =>
      new RemoveMember().execute({
        organization,
        actor: actor.user,
        actorRole: 'owner',
        membershipPublicId: target.membership.publicId,
        meta: CLI_META,
      })

    // Several rounds: a race lost once is not a race that cannot happen.
    for (const [round, act] of [demote, demote, demote, remove, remove, remove].entries()) {
      await Membership.query().where('organization_id', organization.id).delete()
      for (const owner of [first, second]) {
        await Membership.create({
          id: owner.membership.id,
          organizationId: organization.id,
          userId: owner.user.id,
          role: 'owner',
        })
      }
      const outcomes = await Promise.allSettled([act(first, second), act(second, first)])

      const owners = await Membership.query()
        .where('organization_id', organization.id)
        .where('role', 'owner')
      assert.lengthOf(owners, 1, `round ${round}: exactly one owner left`)
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
      assert.lengthOf(refused, 1, `round ${round}: one of the two refused`)
      assert.equal(
        (refused[0] as PromiseRejectedResult).reason.message,
        'An organisation needs at least one owner.'
      )
    }
  })

  test('an admin cannot make anyone an owner, nor change an owner', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const admin = await createAccount({ role: 'admin', organization: owner.organization })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const web = await signedIn(admin)

    await changeRole(web, member, 'owner')
    assert.equal(await roleOf(member), 'member')
    assert.include(await flashAfter(web), 'Only an owner can grant or remove the owner role.')

    await changeRole(web, admin, 'owner')
    assert.equal(await roleOf(admin), 'admin', 'not even themselves')

    await changeRole(web, owner, 'viewer')
    assert.equal(await roleOf(owner), 'owner')
    assert.lengthOf(await AuditEvent.query().where('event', 'member.role_changed'), 0)
  })

  test('an admin can make a member an admin, their own rank, and no higher', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const admin = await createAccount({ role: 'admin', organization: owner.organization })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const web = await signedIn(admin)

    await changeRole(web, member, 'admin')
    assert.equal(await roleOf(member), 'admin')
  })

  test('no role can grant a role above its own, whatever the caller', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const viewer = await createAccount({ role: 'viewer', organization: owner.organization })

    await assert.rejects(
      () =>
        new ChangeMemberRole().execute({
          organization: owner.organization,
          actor: member.user,
          actorRole: 'member',
          membershipPublicId: viewer.membership.publicId,
          role: 'admin',
          meta: CLI_META,
        }),
      'You cannot grant a role higher than your own.'
    )
    assert.equal(await roleOf(viewer), 'viewer')
  })

  test('a member and a viewer may not change roles at all', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const viewer = await createAccount({ role: 'viewer', organization: owner.organization })

    const asMember = await signedIn(member)
    assert.equal((await changeRole(asMember, viewer, 'member')).status, 403)
    const asViewer = await signedIn(viewer)
    assert.equal((await changeRole(asViewer, viewer, 'admin')).status, 403)
    assert.equal(await roleOf(viewer), 'viewer')
  })

  test("a demoted admin's open session loses the admin's powers at once", async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const admin = await createAccount({ role: 'admin', organization: owner.organization })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const adminWeb = await signedIn(admin)
    // Signed in and able to manage members before the change.
    assert.equal((await adminWeb.get('/settings/members')).status, 200)

    await changeRole(await signedIn(owner), admin, 'viewer')
    assert.equal(await roleOf(admin), 'viewer')

    // The very next request of the open session cannot manage anyone.
    const attempt = await changeRole(adminWeb, member, 'viewer')
    assert.notEqual(attempt.location, '/settings/members', 'not handled as an admin')
    assert.include([302, 403], attempt.status)
    if (attempt.status === 302) assert.match(attempt.location!, /^\/sign-in/)
    assert.equal(await roleOf(member), 'member')

    // Signed in again (with the next code: each is single-use), they have
    // the viewer's powers and no more.
    const again = await signedIn(admin, Date.now() + 30_000)
    assert.equal((await changeRole(again, member, 'viewer')).status, 403)
    assert.equal(await roleOf(member), 'member')
  })
})
