import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { mailsTo } from '#tests/helpers/smtp'
import { allowedHostsEachTest } from '#tests/functional/security/outbound_fixtures'
import type { RoleName } from '#services/authorization'
import CheckWorkingAgreements from '#actions/agreements/check_working_agreements'
import { sealAlertWebhook } from '#services/agreements/alert_webhook'
import { insertedId, sqlTime } from '#services/sql'

/**
 * Issue #25: working agreements. The acceptance case: "first review
 * within 24 h" with 3 of 10 pull requests late shows 70% adherence and
 * sends one alert e-mail and one webhook call to a loopback receiver.
 */

const NOW = new Date('2026-03-12T12:00:00Z')

async function signedIn(role: RoleName, organization?: TestAccount['organization']) {
  const account = await createAccount({ role, organization })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, organizationId: account.organization.id, web }
}

/** ten pull requests ready on 2026-03-09 10:00: seven reviewed after 2 h, three after 30 h */
async function tenPullRequests(organizationId: number, author = 'alice') {
  const repositoryId = await insertRepository(organizationId, 'api')
  for (let index = 0; index < 10; index++) {
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-09 10:00',
      firstReview: index < 7 ? '2026-03-09 12:00' : '2026-03-10 16:00',
      author,
    })
  }
}

async function insertAgreement(organizationId: number, targetPercent = 90) {
  const [inserted] = await db
    .table('working_agreements')
    .insert({
      organization_id: organizationId,
      kind: 'first_review_within_hours',
      threshold: 24,
      target_percent: targetPercent,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id')
  return Number(typeof inserted === 'object' ? inserted.id : inserted)
}

/** a loopback incoming-webhook receiver that keeps each JSON body it is posted */
async function webhookReceiver() {
  const bodies: unknown[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      bodies.push(JSON.parse(body))
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-token`
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

test.group('Working agreements | page', (group) => {
  group.each.setup(resetDatabase())

  test('an admin sets "first review within 24 h" with a plain form; 3 of 10 late reads 70%', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('admin')
    const repositoryId = await insertRepository(organizationId, 'api')
    const ready = new Date(Date.now() - 3 * 24 * 3_600_000)
    const moment = (offsetHours: number) =>
      new Date(ready.getTime() + offsetHours * 3_600_000)
        .toISOString()
        .slice(0, 16)
        .replace('T', ' ')
    for (let index = 0; index < 10; index++) {
      await insertPullRequest(organizationId, repositoryId, {
        opened: moment(0),
        firstReview: moment(index < 7 ? 2 : 30),
        author: 'alice',
      })
    }

    await web.get('/settings/insights/agreements')
    const created = await web.post('/settings/insights/agreements', {
      kind: 'first_review_within_hours',
      threshold: '24',
      targetPercent: '90',
      team: '',
    })
    assert.equal(created.status, 302)
    assert.equal(created.location, '/settings/insights/agreements')

    const page = await web.get('/settings/insights/agreements')
    assert.equal(page.status, 200)
    assert.include(page.text, 'First review within 24 h')
    assert.match(page.text, /Last 7 days: <strong>70%<\/strong> \(7 of 10\)/)
    assert.include(page.text, 'below target')
    assert.include(page.text, 'What missed it in the last 7 days (3)')
  })

  test('one URL, two renderings: the scope filter swaps the list alone, anything else gets the page', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('member')
    await insertAgreement(organizationId)
    const [team] = await db
      .table('teams')
      .insert({
        organization_id: organizationId,
        name: 'Platform',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const teamId = Number(typeof team === 'object' ? team.id : team)
    await db.table('working_agreements').insert({
      organization_id: organizationId,
      team_id: teamId,
      kind: 'pull_request_size_under',
      threshold: 400,
      target_percent: 80,
      created_at: new Date(),
      updated_at: new Date(),
    })
    const { teamIds } = await import('#actions/teams/find_team')
    const path = `/settings/insights/agreements?for=${teamIds.encode(teamId)}`

    const full = await web.get(path)
    assert.include(full.text, '<html')
    assert.include(full.text, 'Pull requests under 400 changed lines')
    assert.notInclude(full.text, 'First review within 24 h')

    const partial = await web.get(path, { 'HX-Request': 'true', 'HX-Target': 'agreements-list' })
    assert.equal(partial.status, 200)
    assert.notInclude(partial.text, '<html')
    assert.isTrue(partial.text.trim().startsWith('<div id="agreements-list"'), partial.text)
    assert.include(
      partial.text,
      'Pull requests under 400 changed lines <span class="muted">for Platform'
    )
    assert.notInclude(partial.text, 'First review within 24 h')

    // htmx following HX-Location after a form (no target): the whole page
    const followed = await web.get('/settings/insights/agreements', { 'HX-Request': 'true' })
    assert.include(followed.text, '<html')
    assert.include(followed.text, 'First review within 24 h')
  })

  test('bad input comes back inline with a 422 and writes nothing', async ({ assert }) => {
    const { organizationId, web } = await signedIn('admin')
    const team = await db
      .table('teams')
      .insert({
        organization_id: organizationId,
        name: 'Platform',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    assert.lengthOf(team, 1)
    await web.get('/settings/insights/agreements')

    const zero = await web.post('/settings/insights/agreements', {
      kind: 'first_review_within_hours',
      threshold: '0',
      targetPercent: '90',
    })
    assert.equal(zero.status, 422)
    assert.include(zero.text, 'Choose a measure, a threshold from 1 and a target from 1 to 100%.')

    const unknownKind = await web.post('/settings/insights/agreements', {
      kind: 'lines_of_code',
      threshold: '5',
      targetPercent: '90',
    })
    assert.equal(unknownKind.status, 422)

    const { teamIds } = await import('#actions/teams/find_team')
    const teamPublicId = teamIds.encode(Number((await db.from('teams').first()).id))
    const vulnerabilityForTeam = await web.post('/settings/insights/agreements', {
      kind: 'critical_vulnerability_open_days',
      threshold: '15',
      targetPercent: '100',
      team: teamPublicId,
    })
    assert.equal(vulnerabilityForTeam.status, 422)
    assert.include(vulnerabilityForTeam.text, 'is about repositories, not people')

    const tooLong = await web.post('/settings/insights/agreements', {
      kind: 'critical_vulnerability_open_days',
      threshold: '400',
      targetPercent: '100',
    })
    assert.equal(tooLong.status, 422)
    assert.include(tooLong.text, 'takes at most 365 days')

    assert.lengthOf(await db.from('working_agreements'), 0)
  })

  test('a member reads the agreements but cannot set or remove one', async ({ assert }) => {
    const { organizationId, web } = await signedIn('member')
    const id = await insertAgreement(organizationId)
    const page = await web.get('/settings/insights/agreements')
    assert.notInclude(page.text, 'New agreement')
    const refused = await web.post('/settings/insights/agreements', {
      kind: 'first_review_within_hours',
      threshold: '24',
      targetPercent: '90',
    })
    assert.equal(refused.status, 403)
    const { agreementIds } = await import('#queries/working_agreements')
    const removal = await web.post(
      `/settings/insights/agreements/${agreementIds.encode(id)}/delete`
    )
    assert.equal(removal.status, 403)
    assert.lengthOf(await db.from('working_agreements'), 1)
  })

  test("another organisation's agreement cannot be removed (404) and stays", async ({ assert }) => {
    const other = await createAccount({ role: 'owner' })
    const id = await insertAgreement(other.organization.id)
    const { web } = await signedIn('admin')
    const { agreementIds } = await import('#queries/working_agreements')
    await web.get('/settings/insights/agreements')
    const removal = await web.post(
      `/settings/insights/agreements/${agreementIds.encode(id)}/delete`
    )
    assert.equal(removal.status, 404)
    assert.lengthOf(await db.from('working_agreements'), 1)
  })
})

test.group('Working agreements | alerts', (group) => {
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  test('3 of 10 late against a 90% target: one e-mail to the manager and one webhook call, once a week', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const member = await createAccount({ role: 'member', organization: admin.organization })
    const organizationId = admin.organization.id
    await tenPullRequests(organizationId)
    await insertAgreement(organizationId, 90)
    const receiver = await webhookReceiver()
    try {
      await db
        .from('organizations')
        .where('id', organizationId)
        .update({ alert_webhook_url: sealAlertWebhook(organizationId, receiver.url) })

      const report = await new CheckWorkingAgreements().execute({ organizationId, now: NOW })
      assert.deepEqual(report, { checked: 1, alerts: 1, mails: 1 })

      const mails = mailsTo(admin.email)
      assert.lengthOf(mails, 1)
      assert.include(mails[0].subject, 'First review within 24 h')
      assert.include(mails[0].text, '70% (7 of 10)')
      assert.include(mails[0].html, '<strong>70%</strong>')
      assert.lengthOf(mailsTo(member.email), 0, 'alerts go to those who manage the agreements')

      assert.lengthOf(receiver.bodies, 1)
      const payload = receiver.bodies[0] as { text: string }
      assert.match(payload.text, /slipped to 70% over the last 7 days \(7 of 10; target 90%\)/)

      const [alert] = await db.from('working_agreement_alerts')
      assert.equal(alert.period, '2026-W11')
      assert.equal(alert.webhook_status, 'delivered (200)')

      // the next day of the same week: nothing new
      const again = await new CheckWorkingAgreements().execute({
        organizationId,
        now: new Date('2026-03-13T12:00:00Z'),
      })
      assert.equal(again.alerts, 0)
      assert.lengthOf(mailsTo(admin.email), 1)
      assert.lengthOf(receiver.bodies, 1)
    } finally {
      await receiver.close()
    }
  })

  test('an agreement that holds alerts no one', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    await tenPullRequests(admin.organization.id)
    await insertAgreement(admin.organization.id, 70)
    const report = await new CheckWorkingAgreements().execute({
      organizationId: admin.organization.id,
      now: NOW,
    })
    assert.deepEqual(report, { checked: 1, alerts: 0, mails: 0 })
    assert.lengthOf(mailsTo(admin.email), 0)
  })

  test('a manager who stopped insights mail gets no alert', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    await tenPullRequests(account.organization.id)
    await insertAgreement(account.organization.id, 90)
    await web.get('/settings/insights/agreements')
    const stopped = await web.post('/settings/insights/mail', { receive: '0' })
    assert.equal(stopped.status, 302)
    const report = await new CheckWorkingAgreements().execute({
      organizationId: account.organization.id,
      now: NOW,
    })
    assert.equal(report.alerts, 1)
    assert.equal(report.mails, 0)
    assert.lengthOf(mailsTo(account.email), 0)
  })

  test('the alert webhook is sealed at rest, shown by host only, and refused inline when the outbound policy forbids it', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('owner')
    await web.get('/settings/insights/agreements')
    const url = 'http://127.0.0.1:9/services/T000/B000/very-secret-token'
    const saved = await web.post('/settings/insights/alert-webhook', { url })
    assert.equal(saved.status, 302)
    const row = await db.from('organizations').where('id', organizationId).first()
    assert.notInclude(row.alert_webhook_url, 'very-secret-token')
    const page = await web.get('/settings/insights/agreements')
    assert.include(page.text, '127.0.0.1:9')
    assert.notInclude(page.text, 'very-secret-token')

    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    const refused = await web.post('/settings/insights/alert-webhook', {
      url: 'http://127.0.0.1:9/other',
    })
    assert.equal(refused.status, 422)
    assert.include(refused.text, '127.0.0.1 is a loopback address')
    const after = await db.from('organizations').where('id', organizationId).first()
    assert.equal(after.alert_webhook_url, row.alert_webhook_url, 'nothing was written')
  })
})

/**
 * "AI share attested on every pull request": a merged pull request whose
 * commits carry code labelled AI or blended adheres when its developers
 * attested every such chunk on it (the AI Code Monitor's attestations).
 */
test.group('Working agreements | AI share attested', (group) => {
  group.each.setup(resetDatabase())

  async function fact(
    organizationId: number,
    repositoryId: number,
    fields: {
      sha: string
      source?: string
      origin?: string
      lines?: [number, number]
      pullRequestId?: number
    }
  ) {
    const [start, end] = fields.lines ?? [1, 10]
    await db.table('ai_code_facts').insert({
      organization_id: organizationId,
      repository_id: repositoryId,
      source: fields.source ?? 'analyzer',
      commit_sha: fields.sha,
      path: 'src/engine.ts',
      start_line: start,
      end_line: end,
      origin: fields.origin ?? 'ai',
      pull_request_id: fields.pullRequestId ?? null,
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
  }

  /** a merged pull request of `merged` whose one commit is `sha` */
  async function mergedPull(
    organizationId: number,
    repositoryId: number,
    sha: string,
    merged: string,
    author = 'alice'
  ) {
    const id = await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-09 09:00',
      merged,
      author,
    })
    await db
      .from('pull_requests')
      .where('id', id)
      .update({ commit_shas: JSON.stringify([sha]) })
    return id
  }

  /**
   * Five pull requests merged on 2026-03-10: four with an AI chunk, three
   * of them attested (one blended chunk among them), one attested only on
   * half its lines (and whole on another pull request); and one with no AI code at all, not measured.
   */
  async function fourWithAiCode(organizationId: number) {
    const repositoryId = await insertRepository(organizationId, 'rockets')
    const pulls: number[] = []
    for (const [index, origin] of (['ai', 'blended', 'ai'] as const).entries()) {
      const sha = `a${index}`.padEnd(40, '0')
      const pull = await mergedPull(organizationId, repositoryId, sha, '2026-03-10 10:00')
      pulls.push(pull)
      await fact(organizationId, repositoryId, { sha, origin })
      await fact(organizationId, repositoryId, {
        sha,
        source: 'attestation',
        origin: 'human',
        pullRequestId: pull,
      })
    }
    const partial = 'b'.padEnd(40, '0')
    const pull = await mergedPull(organizationId, repositoryId, partial, '2026-03-10 11:00')
    await fact(organizationId, repositoryId, { sha: partial })
    await fact(organizationId, repositoryId, {
      sha: partial,
      source: 'attestation',
      pullRequestId: pull,
      lines: [1, 5],
    })
    // its whole chunk attested, but on another pull request
    await fact(organizationId, repositoryId, {
      sha: partial,
      source: 'attestation',
      pullRequestId: pulls[0],
    })
    const human = 'c'.padEnd(40, '0')
    await mergedPull(organizationId, repositoryId, human, '2026-03-10 12:00')
    await fact(organizationId, repositoryId, { sha: human, origin: 'human' })
    return repositoryId
  }

  test('3 of 4 pull requests with AI code attested reads 75%, naming the one that is not', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn('admin')
    const repositoryId = await insertRepository(organizationId, 'api')
    const moment = (daysAgo: number) =>
      new Date(Date.now() - daysAgo * 24 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    for (let index = 0; index < 4; index++) {
      const sha = `d${index}`.padEnd(40, '0')
      const pull = await mergedPull(organizationId, repositoryId, sha, moment(2))
      await fact(organizationId, repositoryId, { sha, lines: [3, 14] })
      if (index < 3)
        await fact(organizationId, repositoryId, {
          sha,
          source: 'attestation',
          origin: 'human',
          pullRequestId: pull,
          lines: [1, 20],
        })
    }
    const unattested = await db.from('pull_requests').orderBy('id', 'desc').first()

    await web.get('/settings/insights/agreements')
    const created = await web.post('/settings/insights/agreements', {
      kind: 'ai_share_attested',
      threshold: '100',
      targetPercent: '90',
      team: '',
    })
    assert.equal(created.status, 302)

    const page = await web.get('/settings/insights/agreements')
    assert.include(page.text, 'AI share attested on every pull request')
    assert.match(page.text, /Last 7 days: <strong>75%<\/strong> \(3 of 4\)/)
    assert.include(page.text, 'What missed it in the last 7 days (1)')
    assert.include(page.text, `acme/api#${unattested.number} ${unattested.title}`)
  })

  test("an attestation must cover all of a chunk's lines, on the same pull request; code with no AI label is not measured", async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const organizationId = admin.organization.id
    await fourWithAiCode(organizationId)
    await db.table('working_agreements').insert({
      organization_id: organizationId,
      kind: 'ai_share_attested',
      threshold: 100,
      target_percent: 90,
      created_at: new Date(),
      updated_at: new Date(),
    })

    const report = await new CheckWorkingAgreements().execute({ organizationId, now: NOW })
    assert.deepEqual(report, { checked: 1, alerts: 1, mails: 1 })
    const [mail] = mailsTo(admin.email)
    assert.include(mail.subject, '“AI share attested on every pull request” is below target (75%)')
    assert.include(mail.text, '75% (3 of 4)')
  })

  test('a lower threshold accepts a pull request with that share of its AI chunks attested', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const organizationId = admin.organization.id
    const repositoryId = await insertRepository(organizationId, 'api')
    const sha = 'e'.padEnd(40, '0')
    const pull = await mergedPull(organizationId, repositoryId, sha, '2026-03-10 10:00')
    await fact(organizationId, repositoryId, { sha, lines: [1, 10] })
    await fact(organizationId, repositoryId, { sha, lines: [20, 30] })
    await fact(organizationId, repositoryId, {
      sha,
      source: 'attestation',
      pullRequestId: pull,
      lines: [1, 10],
    })
    const { adherence } = await import('#services/agreements/adherence')
    const week = { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') }
    const scope = { organizationId, kind: 'ai_share_attested' as const, teamId: null }
    const half = await adherence({ ...scope, threshold: 50 }, week, NOW)
    assert.deepInclude(half, { measured: 1, met: 1, percent: 100 })
    const every = await adherence({ ...scope, threshold: 100 }, week, NOW)
    assert.deepInclude(every, { measured: 1, met: 0, percent: 0 })
    assert.equal(every.late[0].value, 50)
  })

  test("a team agreement counts only its people's pull requests", async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const organizationId = admin.organization.id
    await fourWithAiCode(organizationId)
    const repositoryId = await insertRepository(organizationId, 'web')
    const sha = 'f'.padEnd(40, '0')
    await mergedPull(organizationId, repositoryId, sha, '2026-03-10 10:00', 'carol')
    await fact(organizationId, repositoryId, { sha })
    const teamId = insertedId(
      await db
        .table('teams')
        .insert({
          organization_id: organizationId,
          name: 'Web',
          created_at: new Date(),
          updated_at: new Date(),
        })
        .returning('id')
    )!
    const personId = insertedId(
      await db
        .table('people')
        .insert({
          organization_id: organizationId,
          display_name: 'Carol',
          created_at: new Date(),
          updated_at: new Date(),
        })
        .returning('id')
    )!
    await db.table('team_members').insert({
      organization_id: organizationId,
      team_id: teamId,
      person_id: personId,
    })
    await db.table('contributors').insert({
      organization_id: organizationId,
      provider: 'github',
      external_id: 'carol',
      login: 'carol',
      person_id: personId,
      created_at: new Date(),
      updated_at: new Date(),
    })
    const { adherence } = await import('#services/agreements/adherence')
    const week = { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') }
    const team = await adherence(
      { organizationId, kind: 'ai_share_attested', threshold: 100, teamId },
      week,
      NOW
    )
    assert.deepInclude(team, { measured: 1, met: 0, percent: 0 })
    const everyone = await adherence(
      { organizationId, kind: 'ai_share_attested', threshold: 100, teamId: null },
      week,
      NOW
    )
    assert.deepInclude(everyone, { measured: 5, met: 3, percent: 60 })
  })
})
