import { test } from '@japa/runner'
import AuditEvent from '#models/audit_event'
import Membership from '#models/membership'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'

test.group('Organisation MFA policy', (group) => {
  group.each.setup(resetDatabase)

  test('MFA is required by default: a member without a factor is sent to enrolment', async ({
    assert,
  }) => {
    const account = await createAccount({ withTotp: false })
    await account.organization.refresh()
    assert.isTrue(account.organization.mfaRequired)
    const step = await new WebClient().submitPassword(account.email, account.password)
    assert.equal(step.location, '/mfa/setup')
  })

  test('an owner makes MFA optional, and the change is audited', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    await web.get('/settings/organization')
    const saved = await web.post('/settings/organization', {
      name: 'Renamed Org',
      mfaRequired: 'optional',
    })
    assert.equal(saved.location, '/settings/organization')
    await owner.organization.refresh()
    assert.isFalse(owner.organization.mfaRequired)
    assert.equal(owner.organization.name, 'Renamed Org')
    const event = await AuditEvent.query()
      .where('event', 'organization.mfa_policy_changed')
      .firstOrFail()
    assert.equal(event.organizationId, owner.organization.id)
  })

  test('with MFA optional, a member without a factor signs in with the password alone', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    organization.mfaRequired = false
    await organization.save()
    const account = await createAccount({ withTotp: false, organization })
    const web = new WebClient()
    const step = await web.submitPassword(account.email, account.password)
    assert.equal(step.location, '/')
    assert.equal((await web.get('/')).status, 200)
  })

  test('one organisation requiring MFA is enough to require it', async ({ assert }) => {
    const relaxed = await createOrganization()
    relaxed.mfaRequired = false
    await relaxed.save()
    const account = await createAccount({ withTotp: false, organization: relaxed })
    const strict = await createOrganization()
    await Membership.create({ organizationId: strict.id, userId: account.user.id, role: 'viewer' })
    const step = await new WebClient().submitPassword(account.email, account.password)
    assert.equal(step.location, '/mfa/setup')
  })

  test('only owners and admins reach the organisation settings', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const member = await createAccount({ role: 'member', organization: owner.organization })
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    assert.equal((await web.get('/settings/organization')).status, 403)
  })
})
