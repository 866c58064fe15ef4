import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import {
  publishCoreEvent,
  publishMembershipChanged,
  eventUser,
} from '#actions/plugins/queue_plugin_hook'
import { publicIds } from '#services/public_id'
import { startFakeMailchimp, md5 } from './fake_mailchimp.js'
import { eventsDelivered, mailchimpWithAudience, person } from './testbed.js'

/**
 * Members kept in step at once through the core events (sign-up,
 * updates, role changes, deletion), delivered by the queue, against
 * Mailchimp's Marketing API on loopback.
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

test.group('Mailchimp | sync on change', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => withEnv({ MAILCHIMP_API_URL: fake.url, MAILCHIMP_RETRY_BASE_MS: '10' }))

  test('a sign-up with consent adds the member within one queue run; without consent nothing', async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const yes = await person({ consent: true, fullName: 'Ada Lovelace' })
    const no = await person({ consent: false })
    await publishCoreEvent('user.created', { user: eventUser(yes) })
    await publishCoreEvent('user.created', { user: eventUser(no) })
    await eventsDelivered()

    const members = fake.members(audienceId)
    assert.deepEqual([...members.keys()], [md5(yes.email)])
    const member = members.get(md5(yes.email))!
    assert.equal(member.status, 'subscribed')
    assert.equal(member.merge_fields.FNAME, 'Ada')
    assert.equal(member.merge_fields.LNAME, 'Lovelace')
    assert.equal(member.merge_fields.ROLE, 'member')
    assert.equal(member.merge_fields.MFA, 'yes')
  }).timeout(60_000)

  test('changing the email updates the same member, not a second one', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await publishCoreEvent('user.created', { user: eventUser(user) })
    await eventsDelivered()
    const previous = user.email
    user.email = `renamed.${previous}`
    await user.save()
    await publishCoreEvent('user.updated', {
      user: eventUser(user),
      organizationPublicIds: [],
      changed: ['email'],
      previous: { email: previous },
    })
    await eventsDelivered()

    const members = fake.members(audienceId)
    assert.equal(members.size, 1)
    assert.equal([...members.values()][0].email_address, user.email)
  }).timeout(60_000)

  test('an update never re-subscribes a member who unsubscribed in Mailchimp', async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true, fullName: 'Grace Hopper' })
    // unsubscribed on Mailchimp's side; its webhook has not arrived yet
    fake.members(audienceId).set(md5(user.email), {
      id: md5(user.email),
      email_address: user.email,
      status: 'unsubscribed',
      merge_fields: {},
    })
    await publishCoreEvent('user.updated', {
      user: eventUser(user),
      organizationPublicIds: [],
      changed: ['fullName'],
      previous: { fullName: 'G. Hopper' },
    })
    await eventsDelivered()
    const member = fake.members(audienceId).get(md5(user.email))!
    assert.equal(member.status, 'unsubscribed')
    assert.equal(member.merge_fields.FNAME, 'Grace')
  }).timeout(60_000)

  test('a role change updates the member’s ROLE merge field', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await db.from('memberships').where('user_id', user.id).update({ role: 'admin' })
    const membership = await db
      .from('memberships')
      .join('organizations', 'organizations.id', 'memberships.organization_id')
      .where('user_id', user.id)
      .select('organizations.id', 'organizations.name')
      .firstOrFail()
    await publishMembershipChanged({
      organization: {
        id: membership.id,
        publicId: publicIds('organization').encode(membership.id),
      },
      user,
      role: 'admin',
      previousRole: 'member',
    })
    await eventsDelivered()
    const member = fake.members(audienceId).get(md5(user.email))!
    assert.equal(member.merge_fields.ROLE, 'admin')
    assert.equal(member.merge_fields.ORG, membership.name)
  }).timeout(60_000)

  test('deleting a user deletes the member permanently', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await publishCoreEvent('user.created', { user: eventUser(user) })
    await eventsDelivered()
    assert.equal(fake.members(audienceId).size, 1)

    await publishCoreEvent('user.deleted', { user: eventUser(user), organizationPublicIds: [] })
    await eventsDelivered()
    assert.equal(fake.members(audienceId).size, 0)
    assert.isTrue(
      fake.state.requests.some(
        (r) =>
          r.method === 'POST' &&
          r.path.endsWith(`/members/${md5(user.email)}/actions/delete-permanent`) &&
          r.status === 204
      )
    )
  }).timeout(60_000)
})
