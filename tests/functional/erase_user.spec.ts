import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Membership from '#models/membership'
import sextantConfig from '#config/sextant'
import { recordAudit } from '#services/audit'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { runAce } from '#tests/helpers/processes'
import { staleReauthentication } from '#tests/helpers/reauth'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Erasing a person (GDPR), from the admin area and `node ace erase:user`:
 * their personal data goes, their contributions stay with an anonymous
 * person, and plugins hear user.deleted.
 */
const ADMIN = sextantConfig.auth.adminPath
const META = { ip: '203.0.113.9', userAgent: 'Their Browser/1.0' }

async function signedIn(account: TestAccount) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return web
}

/** a superuser signed in, and a member of their organisation to erase */
async function adminAndMember() {
  const admin = await createAccount({ role: 'owner', superuser: true })
  const member = await createAccount({ role: 'member', organization: admin.organization })
  return { admin, member, web: await signedIn(admin) }
}

async function eraseThroughPage(web: WebClient, person: TestAccount, typed = person.email) {
  await web.get(`${ADMIN}/users/${person.user.publicId}/erase`)
  return web.post(`${ADMIN}/users/${person.user.publicId}/erase`, { email: typed })
}

/** a person in the identity layer matched on their email, with a provider identity and a commit */
async function contributions(account: TestAccount) {
  const organizationId = account.organization.id
  const now = sqlTime()
  const [person] = await db
    .table('people')
    .insert({
      organization_id: organizationId,
      display_name: 'Ada Lovelace',
      email: account.email.toLowerCase(),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const personId = typeof person === 'object' ? person.id : person
  await db.table('contributors').insert({
    organization_id: organizationId,
    provider: 'github',
    external_id: '7',
    login: 'octo-ada',
    name: 'Ada Lovelace',
    email: account.email,
    email_verified: true,
    person_id: personId,
    linked_identities: JSON.stringify(['gitlab:9']),
    created_at: now,
    updated_at: now,
  })
  return personId as number
}

test.group('Erase a user | admin area', (group) => {
  group.each.setup(resetDatabase())

  test('the Users page offers Erase, and its page says what goes and what stays', async ({
    assert,
  }) => {
    const { member, web } = await adminAndMember()
    const list = await web.get(`${ADMIN}/users`)
    assert.include(list.text, `${ADMIN}/users/${member.user.publicId}/erase`)
    const page = await web.get(`${ADMIN}/users/${member.user.publicId}/erase`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-testid="erasure-plan"')
  }).timeout(60_000)

  test('name, email, password, second factors and recovery codes are gone', async ({ assert }) => {
    const { member, web } = await adminAndMember()
    const done = await eraseThroughPage(web, member)
    assert.equal(done.status, 302)
    const erased = await User.findOrFail(member.user.id)
    assert.isNull(erased.fullName)
    assert.equal(erased.email, `erased-${member.user.publicId.toLowerCase()}@erased.invalid`)
    assert.lengthOf(await db.from('mfa_factors').where('user_id', member.user.id), 0)
    assert.lengthOf(await db.from('recovery_codes').where('user_id', member.user.id), 0)
    assert.lengthOf(await db.from('memberships').where('user_id', member.user.id), 0)
    // neither the old address nor the old password opens anything
    const attempt = await new WebClient().submitPassword(member.email, member.password)
    assert.notEqual(attempt.location, '/sign-in/mfa')
  }).timeout(60_000)

  test('their sessions and API tokens stop working at once', async ({ assert, client }) => {
    const { member, web } = await adminAndMember()
    const theirs = await signedIn(member)
    const token = await User.accessTokens.create(member.user, ['read'], { name: 'script' })
    const value = token.value!.release()
    ;(await client.get('/api/v1/me').header('authorization', `Bearer ${value}`)).assertStatus(200)

    assert.isNotEmpty(await db.from('sessions').where('user_id', String(member.user.id)))
    await eraseThroughPage(web, member)
    // ended in the store, not only refused by a lock
    assert.lengthOf(await db.from('sessions').where('user_id', String(member.user.id)), 0)
    const after = await theirs.get('/')
    assert.equal(after.status, 302)
    assert.match(after.location ?? '', /sign-in/)
    ;(await client.get('/api/v1/me').header('authorization', `Bearer ${value}`)).assertStatus(401)
  }).timeout(60_000)

  test('the audit trail keeps their events without naming them', async ({ assert }) => {
    const { member, web } = await adminAndMember()
    await recordAudit({ event: 'token.created', actorId: member.user.id, subject: 'x', meta: META })
    await recordAudit({ event: 'user.locked', subject: member.email, meta: META })
    const [{ total: before }] = await db.from('audit_events').count('* as total')

    await eraseThroughPage(web, member)
    const theirs = await db.from('audit_events').where('event', 'token.created').firstOrFail()
    assert.isNull(theirs.actor_id)
    assert.isNull(theirs.ip)
    assert.isNull(theirs.user_agent)
    const about = await db.from('audit_events').where('event', 'user.locked').firstOrFail()
    assert.notInclude(about.subject, member.email)
    assert.lengthOf(await db.from('audit_events').where('actor_id', member.user.id), 0)
    const [{ total: after }] = await db.from('audit_events').count('* as total')
    assert.isAbove(Number(after), Number(before), 'no event was deleted; the erasure is recorded')
    assert.lengthOf(await db.from('audit_events').where('event', 'user.erased'), 1)
  }).timeout(60_000)

  test('their contributions stay, attributed to an anonymous person', async ({ assert }) => {
    const { member, web } = await adminAndMember()
    const personId = await contributions(member)
    await eraseThroughPage(web, member)
    const person = await db.from('people').where('id', personId).firstOrFail()
    assert.equal(person.display_name, 'Anonymous person')
    assert.isNull(person.email)
    const identity = await db.from('contributors').where('external_id', '7').firstOrFail()
    assert.equal(identity.person_id, personId, 'still attributed to the (anonymous) person')
    assert.isNull(identity.name)
    assert.isNull(identity.email)
    assert.isNull(identity.linked_identities)
    assert.equal(identity.person_source, 'manual', 'automatic matching leaves it alone')
  }).timeout(60_000)

  test('plugins hear user.deleted with the old address', async ({ assert }) => {
    const { member, web } = await adminAndMember()
    await eraseThroughPage(web, member)
    const received = () =>
      db
        .from('fixture_core_events')
        .where('event', 'user.deleted')
        .where('user_public_id', member.user.publicId)
        .first()
    await processQueueUntil(async () => Boolean(await received()))
    assert.equal(JSON.parse((await received()).details).email, member.email)
  }).timeout(60_000)

  test('it needs a recent re-authentication', async ({ assert }) => {
    const { admin, member, web } = await adminAndMember()
    await web.get(`${ADMIN}/users`)
    await staleReauthentication(admin.user.id)
    const attempt = await web.post(`${ADMIN}/users/${member.user.publicId}/erase`, {
      email: member.email,
    })
    assert.equal(attempt.location, '/reauthenticate')
    assert.equal((await User.findOrFail(member.user.id)).email, member.email)
  }).timeout(60_000)

  test('an email typed wrong is refused inline with a 422 and nothing changes', async ({
    assert,
  }) => {
    const { member, web } = await adminAndMember()
    const attempt = await eraseThroughPage(web, member, 'someone@else.example')
    assert.equal(attempt.status, 422)
    assert.include(attempt.text, 'data-testid="confirm-error"')
    assert.equal((await User.findOrFail(member.user.id)).email, member.email)
  }).timeout(60_000)

  test('a superuser cannot erase themselves', async ({ assert }) => {
    const { admin, web } = await adminAndMember()
    const attempt = await eraseThroughPage(web, admin)
    assert.equal(attempt.status, 422)
    assert.include(attempt.text, 'You cannot erase your own account.')
    assert.equal((await User.findOrFail(admin.user.id)).email, admin.email)
  }).timeout(60_000)

  test("an organisation's last owner is not erased", async ({ assert }) => {
    const { web } = await adminAndMember()
    const owner = await createAccount({ role: 'owner', withTotp: false })
    const attempt = await eraseThroughPage(web, owner)
    assert.equal(attempt.status, 422)
    assert.include(attempt.text, 'last owner')
    assert.equal((await User.findOrFail(owner.user.id)).email, owner.email)
    assert.lengthOf(await Membership.query().where('user_id', owner.user.id), 1)
  }).timeout(60_000)
})

test.group('Erase a user | node ace erase:user', (group) => {
  group.each.setup(resetDatabase())

  test('--force erases by email and says what was anonymised', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner', withTotp: false })
    const member = await createAccount({
      role: 'member',
      organization: owner.organization,
      withTotp: false,
    })
    const result = await runAce(['erase:user', member.email.toUpperCase(), '--force'])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.include(result.stdout, 'erased')
    assert.isNull((await User.findOrFail(member.user.id)).fullName)
  }).timeout(60_000)

  test('without --force a script is refused in one line, exit 1', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner', withTotp: false })
    const member = await createAccount({
      role: 'member',
      organization: owner.organization,
      withTotp: false,
    })
    const result = await runAce(['erase:user', member.user.publicId])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.equal((await User.findOrFail(member.user.id)).email, member.email)
  }).timeout(60_000)

  test('an unknown account is one line, exit 1', async ({ assert }) => {
    const result = await runAce(['erase:user', 'nobody@example.org', '--force'])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, 'No account "nobody@example.org"')
  }).timeout(60_000)

  test("an organisation's last owner is one line, exit 1, nothing changed", async ({ assert }) => {
    const owner = await createAccount({ role: 'owner', withTotp: false })
    const result = await runAce(['erase:user', owner.email, '--force'])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, 'last owner')
    assert.equal((await User.findOrFail(owner.user.id)).email, owner.email)
  }).timeout(60_000)
})
