import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { mailsTo } from '#tests/helpers/smtp'
import { runAce } from '#tests/helpers/processes'
import { useCassette } from '#tests/helpers/cassettes'
import { ANOMALY_WEEK, RUN_DAY, seedHalvedWeek } from '#tests/helpers/seeded_anomaly'
import ContextualizeInsights from '#actions/insights/contextualize_insights'
import SendWeeklyDigest from '#actions/agreements/send_weekly_digest'
import { createAllRoundModel } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'

/**
 * Issue #25: the organisation's chat model (the assistant's AI models,
 * offered to the core as `chatCompletion`) explains each finding of the
 * daily contextualisation in plain language. The model's answers are
 * replayed from tests/cassettes/insights/halved_deployments.json;
 * re-record with CASSETTE_RECORD=1 (docs/testing.md). The fake provider
 * below is what a recording talks to when no CASSETTE_UPSTREAM is given.
 */

/** what the fake provider answers when recording: cites the finding's row only, with a "<" to escape */
const RECORDED_NARRATIVE =
  'Deployments halved from 2 to 6 March because acme/api shipped 5 times against 20 usually (5 < 20); no other repository changed enough to matter. The figures do not say why acme/api slowed.'

const MODEL_NAME = 'Fake all-rounder (fake-chat)'

function narrate(organizationId: number, pipelines: Array<'anomalies' | 'summary'>) {
  return new ContextualizeInsights().execute({ organizationId, days: 7, pipelines, day: RUN_DAY })
}

test.group('Insights narratives | with a chat model', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    fake.setChatReply(RECORDED_NARRATIVE)
    return () => fake.close()
  })
  group.each.setup(resetDatabase())

  test('the model explains the seeded anomaly; the narrative is stored with its finding and shown as model-written', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await seedHalvedWeek(organizationId)
    const tape = await useCassette('insights/halved_deployments', { upstream: fake.baseUrl })
    await createAllRoundModel(owner.organization, tape.baseUrl)

    const report = await narrate(organizationId, ['anomalies', 'summary'])
    await tape.eject()

    assert.deepEqual(report.narratives, { model: MODEL_NAME, narrated: 1 })
    assert.deepEqual(report.skipped, [])
    assert.deepEqual(report.warnings, [])
    const [stored] = await db
      .from('insight_findings')
      .where('organization_id', organizationId)
      .where('day', RUN_DAY)
    assert.equal(stored.narrative, RECORDED_NARRATIVE)
    assert.equal(stored.narrative_model, MODEL_NAME)
    assert.isNull(stored.narrative_error)

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    // escaped, and marked as the model's
    assert.include(page.text, 'against 20 usually (5 &lt; 20)')
    assert.notInclude(page.text, '(5 < 20)')
    assert.include(page.text, `Written by a model (${MODEL_NAME})`)

    // the digest of that week repeats it, in both parts
    await new SendWeeklyDigest().execute({ organizationId, now: new Date('2026-03-09T07:30:00Z') })
    const [mail] = mailsTo(owner.email)
    assert.include(mail.html, 'against 20 usually (5 &lt; 20)')
    assert.include(mail.html, `Written by a model (${MODEL_NAME})`)
    assert.include(mail.text, RECORDED_NARRATIVE)
    assert.include(mail.text, `(Written by a model, ${MODEL_NAME}, from the figures below.)`)
  })

  test('the prompt holds the anomaly and its explaining rows and nothing else', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    await seedHalvedWeek(owner.organization.id)
    fake.reset()
    fake.setChatReply(RECORDED_NARRATIVE)
    await createAllRoundModel(owner.organization, fake.baseUrl)

    await narrate(owner.organization.id, ['anomalies', 'summary'])

    const [request] = fake.requestsTo('chat')
    const user = request.body.messages.find((message: any) => message.role === 'user').content
    assert.include(user, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    assert.include(user, '- acme/api: 5 against 20 usually (-15)')
    // web did not change: it is not a row of the finding, so the model is not told of it
    assert.notInclude(user, 'acme/web')
    assert.notInclude(user, owner.email)
    assert.equal(request.body.temperature, 0)
  })

  test('a narrative naming a repository the finding does not list is not stored', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await seedHalvedWeek(organizationId)
    fake.reset()
    fake.setChatReply('Deployments halved because acme/web stopped shipping.')
    await createAllRoundModel(owner.organization, fake.baseUrl)

    const report = await narrate(organizationId, ['anomalies', 'summary'])

    assert.deepEqual(report.narratives, { model: MODEL_NAME, narrated: 0 })
    assert.include(
      report.warnings[0],
      'The narrative named acme/web, which the finding does not list'
    )
    const [stored] = await db.from('insight_findings').where('organization_id', organizationId)
    assert.isNull(stored.narrative)
    assert.include(stored.narrative_error, 'acme/web')
  }).teardown(() => fake.setChatReply(RECORDED_NARRATIVE))

  test('a stored failure is shown on its first line, without addresses, and at most 160 characters', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await seedHalvedWeek(organizationId)
    await narrate(organizationId, ['anomalies'])
    // a reason not written for people (a driver's message, say) must not spill onto the page whole
    await db
      .from('insight_findings')
      .where('organization_id', organizationId)
      .update({
        narrative_error: `connect ECONNREFUSED at http://10.0.0.7:8080/v1?key=sk-secret ${'x'.repeat(300)}\nat Socket.stack (node:net:1)`,
      })

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)

    assert.include(
      page.text,
      `The model could not explain this finding on ${RUN_DAY}: connect ECONNREFUSED at its server`
    )
    assert.notInclude(page.text, '10.0.0.7')
    assert.notInclude(page.text, 'sk-secret')
    assert.notInclude(page.text, 'Socket.stack')
    assert.include(page.text, `${'x'.repeat(100)}…`)
    assert.notInclude(page.text, 'x'.repeat(160))
    assert.include(page.text, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
  })

  test('a failed model call records why; the statistical finding still shows without a narrative', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await seedHalvedWeek(organizationId)
    fake.reset()
    fake.setMode('error', 'chat')
    await createAllRoundModel(owner.organization, fake.baseUrl)

    const report = await narrate(organizationId, ['anomalies', 'summary'])

    assert.lengthOf(report.findings, 1)
    assert.deepEqual(report.narratives, { model: MODEL_NAME, narrated: 0 })
    assert.lengthOf(report.warnings, 1)
    assert.include(report.warnings[0], 'The chat model “Fake all-rounder” answered HTTP 500')
    assert.deepEqual(report.failed, [
      { pipeline: 'summary', reason: 'the chat model wrote none of 1 narratives' },
    ])
    const [stored] = await db.from('insight_findings').where('organization_id', organizationId)
    assert.isNull(stored.narrative)
    assert.include(stored.narrative_error, 'answered HTTP 500')

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    assert.include(page.text, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    assert.notInclude(page.text, 'Written by a model')
    // the reader is told the model failed, once, with the stored reason and not the provider's words
    assert.include(
      page.text,
      `The model could not explain this finding on ${RUN_DAY}: The chat model “Fake all-rounder” answered HTTP 500`
    )
    assert.notInclude(page.text, 'failing on purpose')
  }).teardown(() => fake.setMode('ok'))

  test('the command exits 1 only when nothing asked for could be done', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await seedHalvedWeek(organizationId)
    fake.reset()
    fake.setMode('error', 'chat')
    await createAllRoundModel(owner.organization, fake.baseUrl)
    const base = ['insights:contextualize', '--org', String(organizationId), '--days', '7']

    // the findings were stored: the run did something, the failed narrative is a warning
    const both = await runAce([...base, '--pipelines', 'anomalies,summary', '--day', RUN_DAY])
    assert.equal(both.code, 0, both.stderr + both.stdout)
    assert.include(both.stdout, 'Deployments were 50% below usual')
    assert.include(both.stdout, 'answered HTTP 500')

    // only the narratives were asked for, and none could be written
    const only = await runAce([...base, '--pipelines', 'summary', '--day', RUN_DAY])
    assert.equal(only.code, 1, only.stderr + only.stdout)
    assert.include(only.stderr, 'summary: the chat model wrote none of 1 narratives')
  })
    .teardown(() => fake.setMode('ok'))
    .timeout(120_000)
})
