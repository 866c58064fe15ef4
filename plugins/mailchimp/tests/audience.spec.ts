import { test } from '@japa/runner'
import { runAce } from '#tests/helpers/processes'
import { resetDatabase } from '#tests/helpers/database'
import { startFakeMailchimp } from './fake_mailchimp.js'
import { API_KEY, mailchimpWithAudience } from './testbed.js'

/**
 * `node ace create:mailchimp-audience` against Mailchimp's Marketing API
 * on loopback, with the official client pointed at it (MAILCHIMP_API_URL).
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

test.group('Mailchimp | create:mailchimp-audience', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    fake.state.lists.clear()
    fake.state.mergeFields.clear()
  })

  test('the first run creates the audience and every merge field, the second creates nothing and says so', async ({
    assert,
  }) => {
    const env = { MAILCHIMP_API_KEY: API_KEY, MAILCHIMP_API_URL: fake.url }
    const flags = [
      '--name=Sextant users',
      '--company=Acme',
      '--address1=1 Main St',
      '--city=Leeds',
      '--state=West Yorkshire',
      '--zip=LS1 1AA',
      '--country=GB',
      '--permission-reminder=You opted in to product emails in Sextant',
      '--from-name=Sextant',
      '--from-email=news@example.org',
    ]
    const first = await runAce(['create:mailchimp-audience', ...flags], env)
    assert.equal(first.code, 0, first.stderr + first.stdout)
    assert.include(first.stdout, 'Created the audience')
    assert.include(
      first.stdout,
      'Created merge fields: FNAME, LNAME, ORG, ROLE, SIGNUP, LASTLOGIN, MFA'
    )
    assert.lengthOf([...fake.state.lists.values()], 1)
    const [audience] = [...fake.state.lists.values()]
    assert.equal(audience.body.permission_reminder, 'You opted in to product emails in Sextant')
    assert.include(first.stdout, `MAILCHIMP_AUDIENCE_ID=${audience.id}`)

    const second = await runAce(['create_mailchimp_audience', ...flags], env)
    assert.equal(second.code, 0, second.stderr)
    assert.include(second.stdout, `The audience ${audience.id} exists`)
    assert.include(second.stdout, 'Nothing to create: every merge field exists')
    assert.lengthOf([...fake.state.lists.values()], 1)
    assert.lengthOf(fake.state.mergeFields.get(audience.id)!, 7)
  }).timeout(60_000)

  test("with the admin area's connection and no environment, it completes the connection's audience", async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    fake.state.mergeFields.set(audienceId, [])
    const result = await runAce(['create:mailchimp-audience'], {
      MAILCHIMP_API_KEY: '',
      MAILCHIMP_AUDIENCE_ID: '',
      MAILCHIMP_API_URL: fake.url,
    })
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.include(result.stdout, 'Using the Mailchimp connection of the admin area')
    assert.include(result.stdout, `The audience ${audienceId} exists`)
    assert.include(
      result.stdout,
      'Created merge fields: FNAME, LNAME, ORG, ROLE, SIGNUP, LASTLOGIN, MFA'
    )
    // no second audience, no question asked: the connection named it
    assert.deepEqual([...fake.state.lists.keys()], [audienceId])
    assert.lengthOf(fake.state.mergeFields.get(audienceId)!, 7)
    assert.notInclude(result.stdout + result.stderr, API_KEY)
  }).timeout(60_000)

  test("the connection's key wins over the environment's", async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    fake.state.mergeFields.set(audienceId, [])
    const result = await runAce(['create:mailchimp-audience'], {
      // a key the fake refuses: reading it instead of the connection's would fail
      MAILCHIMP_API_KEY: 'wrong-key-us21',
      MAILCHIMP_AUDIENCE_ID: 'elsewhere1',
      MAILCHIMP_API_URL: fake.url,
    })
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.include(result.stdout, `MAILCHIMP_AUDIENCE_ID=${audienceId}`)
    assert.lengthOf(fake.state.mergeFields.get(audienceId)!, 7)
  }).timeout(60_000)

  test('without an API key it says what to set and fails', async ({ assert }) => {
    const result = await runAce(['create:mailchimp-audience', '--name=x'], {
      MAILCHIMP_API_KEY: '',
    })
    assert.equal(result.code, 1)
    assert.include(
      result.stderr + result.stdout,
      'connect Mailchimp in the admin area, or set MAILCHIMP_API_KEY'
    )
  }).timeout(60_000)
})
