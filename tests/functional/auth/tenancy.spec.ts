import { test } from '@japa/runner'
import { CLI_META } from '#services/audit'
import CreateInvite from '#actions/members/create_invite'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

test.group('Organisation fences', (group) => {
  group.each.setup(resetDatabase)

  test("a user of organisation A asking for organisation B's resources by public id gets 404", async ({
    assert,
  }) => {
    const adminA = await createAccount({ role: 'owner' })
    const ownerB = await createAccount({ role: 'owner' })
    const memberB = await createAccount({ role: 'member', organization: ownerB.organization })
    const { invite } = await new CreateInvite().execute({
      organization: ownerB.organization,
      inviter: ownerB.user,
      inviterRole: 'owner',
      email: 'someone@example.org',
      role: 'viewer',
      meta: CLI_META,
    })

    const web = new WebClient()
    await web.signIn(adminA.email, adminA.password, adminA.totpSecret!)
    await web.get('/settings/members')

    assert.equal((await web.get(`/organizations/${ownerB.organization.publicId}`)).status, 404)
    assert.equal(
      (await web.post('/organizations/switch', { organization: ownerB.organization.publicId }))
        .status,
      404
    )
    assert.equal(
      (await web.post(`/settings/members/${memberB.membership.publicId}/role`, { role: 'admin' }))
        .status,
      404
    )
    assert.equal(
      (await web.post(`/settings/members/${memberB.membership.publicId}/remove`)).status,
      404
    )
    assert.equal(
      (await web.post(`/settings/members/invites/${invite.publicId}/revoke`)).status,
      404
    )

    await memberB.membership.refresh()
    assert.equal(memberB.membership.role, 'member')
    await invite.refresh()
    assert.isNull(invite.revokedAt)
  })

  test('the member list shows only the current organisation', async ({ assert }) => {
    const adminA = await createAccount({ role: 'admin' })
    const outsider = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(adminA.email, adminA.password, adminA.totpSecret!)
    const page = await web.get('/settings/members')
    assert.include(page.text, adminA.email)
    assert.notInclude(page.text, outsider.email)
  })

  test('a viewer cannot manage members', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const viewer = await createAccount({ role: 'viewer', organization: owner.organization })
    const web = new WebClient()
    await web.signIn(viewer.email, viewer.password, viewer.totpSecret!)
    await web.get('/settings/members')
    const response = await web.post('/settings/members/invites', {
      email: 'x@example.org',
      role: 'admin',
    })
    assert.equal(response.status, 403)
    const demote = await web.post(`/settings/members/${owner.membership.publicId}/role`, {
      role: 'viewer',
    })
    assert.equal(demote.status, 403)
  })
})
