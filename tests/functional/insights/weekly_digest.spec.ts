import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { mailsTo, type ReceivedMail } from '#tests/helpers/smtp'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import SendWeeklyDigest from '#actions/agreements/send_weekly_digest'
import RunSchedule from '#actions/schedules/run_schedule'
import { teamIds } from '#actions/teams/find_team'
import { insertedId } from '#services/sql'

/**
 * Issue #25: the weekly digest renders in HTML and text, and the
 * unsubscribe link stops the next one.
 */

// Monday: the digest covers 2026-03-09 to 2026-03-15
const MONDAY = new Date('2026-03-16T07:30:00Z')

async function organisationWithAWeek() {
  const owner = await createAccount({ role: 'owner' })
  const member = await createAccount({ role: 'member', organization: owner.organization })
  const organizationId = owner.organization.id
  const repositoryId = await insertRepository(organizationId, 'api')
  for (let index = 0; index < 10; index++) {
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-09 10:00',
      firstReview: index < 7 ? '2026-03-09 12:00' : '2026-03-10 16:00',
      merged: '2026-03-11 10:00',
      additions: 10,
      deletions: 5,
      author: 'alice',
    })
  }
  await new RollUpMetrics().execute({ organizationId, from: '2026-03-01', to: '2026-03-16' })
  await db.table('working_agreements').insert({
    organization_id: organizationId,
    kind: 'first_review_within_hours',
    threshold: 24,
    target_percent: 90,
    created_at: new Date(),
    updated_at: new Date(),
  })
  return { owner, member, organizationId }
}

function stopLinkIn(mail: ReceivedMail) {
  const match = /https?:\/\/\S+\/insights\/mail\/\S+\/stop\S*/.exec(mail.text)
  if (!match) throw new Error('no unsubscribe link in the digest')
  const url = new URL(match[0])
  return url.pathname + url.search
}

test.group('Weekly digest', (group) => {
  group.each.setup(resetDatabase())

  test('the digest has an HTML and a text part with the figures, the agreements and links back', async ({
    assert,
  }) => {
    const { owner, member, organizationId } = await organisationWithAWeek()
    const result = await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })
    assert.equal(result.sent, 2)
    assert.deepEqual(result.week, { from: '2026-03-09', to: '2026-03-15' })

    for (const account of [owner, member]) {
      const [mail] = mailsTo(account.email)
      assert.include(mail.subject, '2026-03-09 to 2026-03-15')
      assert.include(mail.text, '- Merged pull requests: 10 (+10)')
      assert.include(
        mail.text,
        'First review within 24 h for the organisation: 70% (7 of 10), target 90% — BELOW TARGET'
      )
      assert.include(mail.text, '/insights?from=2026-03-09&to=2026-03-15')
      assert.include(mail.html, '<td>Merged pull requests</td><td align="right">10</td>')
      assert.include(mail.html, '<strong>70%</strong>')
      assert.include(mail.html, 'Stop these e-mails</a>')
    }
    const ownerLink = stopLinkIn(mailsTo(owner.email)[0])
    const memberLink = stopLinkIn(mailsTo(member.email)[0])
    assert.notEqual(ownerLink, memberLink, 'each member has their own link')
  })

  test("a failed model call is said in the digest's What changed, without the provider's reason", async ({
    assert,
  }) => {
    const { owner, organizationId } = await organisationWithAWeek()
    await db.table('insight_findings').insert({
      organization_id: organizationId,
      day: '2026-03-15',
      pipeline: 'anomalies',
      metric: 'prs_merged',
      anomaly_day: '2026-03-11',
      value: 10,
      expected: 1,
      score: 4,
      summary: 'Merged pull requests rose to 10 on 2026-03-11 (usually 1).',
      evidence: JSON.stringify({ to: '2026-03-11', direction: 'up', repositories: [] }),
      narrative: null,
      narrative_model: 'gpt-test',
      narrative_error:
        'Incorrect API key provided: sk-live-123 at https://llm.internal.example/v1\n    at complete (model.ts:12)',
      created_at: new Date(),
    })
    await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })

    const [mail] = mailsTo(owner.email)
    const said =
      'The model could not explain this finding on 2026-03-15: what follows is the statistical findings alone.'
    assert.include(mail.text, said)
    assert.include(mail.html, said)
    for (const part of [mail.text, mail.html]) {
      for (const secret of [
        'sk-live-123',
        'llm.internal.example',
        'Incorrect API key',
        'model.ts',
      ]) {
        assert.notInclude(part, secret)
      }
    }
  })

  test('the unsubscribe link works signed out and stops the next digest; a tampered one stops nothing', async ({
    assert,
  }) => {
    const { owner, member, organizationId } = await organisationWithAWeek()
    await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })
    const link = stopLinkIn(mailsTo(member.email)[0])

    const stranger = new WebClient()
    const tampered = await stranger.get(link.replace(/signature=([^&]{4})/, 'signature=AAAA'))
    assert.equal(tampered.status, 403)
    assert.include(tampered.text, 'This unsubscribe link is not valid')
    const [stillReceiving] = await db.from('memberships').where('user_id', member.user.id)
    assert.isNull(stillReceiving.insights_mail_stopped_at)

    const stopped = await stranger.get(link)
    assert.equal(stopped.status, 200)
    assert.include(stopped.text, 'You will no longer receive the weekly digest')

    const next = await new SendWeeklyDigest().execute({
      organizationId,
      now: new Date('2026-03-23T07:30:00Z'),
    })
    assert.equal(next.sent, 1)
    assert.lengthOf(mailsTo(member.email), 1, 'no second digest')
    assert.lengthOf(mailsTo(owner.email), 2)

    // back on from their settings
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    await web.get('/settings/insights/agreements')
    const resumed = await web.post('/settings/insights/mail', { receive: '1' })
    assert.equal(resumed.status, 302)
    await new SendWeeklyDigest().execute({ organizationId, now: new Date('2026-03-30T07:30:00Z') })
    assert.lengthOf(mailsTo(member.email), 2)
  })

  test('the scheduler sends it through its "insights:digest" entry', async ({ assert }) => {
    const { owner } = await organisationWithAWeek()
    const run = await new RunSchedule().execute({ name: 'insights:digest', trigger: 'manual' })
    assert.equal(run?.status, 'succeeded')
    assert.equal(run?.output, '2 digests for 1 organisations')
    assert.lengthOf(mailsTo(owner.email), 1)
  })
})

/**
 * "A weekly digest email per team and for executives": a team's members
 * (matched by e-mail to its people) get the team's digest, with its
 * people's figures and its own agreements; owners, admins and members in
 * no team get the organisation's.
 */
test.group('Weekly digest | per team', (group) => {
  group.each.setup(resetDatabase())

  /** team Platform, whose one person is alice (author of the week's ten pull requests), known by `email` */
  async function platform(organizationId: number, email: { person?: string; identity?: string }) {
    const now = new Date()
    const teamId = insertedId(
      await db
        .table('teams')
        .insert({
          organization_id: organizationId,
          name: 'Platform',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
    )!
    const personId = insertedId(
      await db
        .table('people')
        .insert({
          organization_id: organizationId,
          display_name: 'Alice',
          email: email.person ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
    )!
    await db.table('contributors').insert({
      organization_id: organizationId,
      provider: 'github',
      external_id: 'alice',
      login: 'alice',
      email: email.identity ?? null,
      person_id: personId,
      created_at: now,
      updated_at: now,
    })
    await db
      .table('team_members')
      .insert({ organization_id: organizationId, team_id: teamId, person_id: personId })
    await db.table('working_agreements').insert({
      organization_id: organizationId,
      team_id: teamId,
      kind: 'pull_request_size_under',
      threshold: 400,
      target_percent: 80,
      created_at: now,
      updated_at: now,
    })
    return teamIds.encode(teamId)
  }

  test("a team's member gets the team's digest: its people's figures and its own agreements; the owner and a member in no team get the organisation's", async ({
    assert,
  }) => {
    const { owner, member, organizationId } = await organisationWithAWeek()
    const loner = await createAccount({ role: 'member', organization: owner.organization })
    const team = await platform(organizationId, { person: member.email.toUpperCase() })
    // two of bob's, who is in no team: the organisation's figures only
    const web = await insertRepository(organizationId, 'web')
    for (let index = 0; index < 2; index++) {
      await insertPullRequest(organizationId, web, {
        opened: '2026-03-10 10:00',
        firstReview: '2026-03-10 11:00',
        merged: '2026-03-12 10:00',
        additions: 1,
        deletions: 1,
        author: 'bob',
      })
    }
    await new RollUpMetrics().execute({ organizationId, from: '2026-03-01', to: '2026-03-16' })

    const result = await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })
    assert.equal(result.sent, 3)

    const [teamMail, ...more] = mailsTo(member.email)
    assert.lengthOf(more, 0, 'the team digest only')
    assert.equal(
      teamMail.subject,
      `${owner.organization.name}, team Platform: your week in engineering (2026-03-09 to 2026-03-15)`
    )
    assert.include(teamMail.text, "THE WEEK'S FIGURES OF THE TEAM'S PEOPLE")
    assert.include(teamMail.text, '- Merged pull requests: 10 (+10)')
    assert.include(
      teamMail.text,
      'Pull requests under 400 changed lines for Platform: 100% (10 of 10), target 80%'
    )
    assert.notInclude(teamMail.text, 'First review within 24 h', "the organisation's agreement")
    assert.notInclude(teamMail.text, 'WHAT CHANGED')
    assert.include(teamMail.text, `/insights?from=2026-03-09&to=2026-03-15&team=${team}`)
    assert.include(teamMail.text, `/settings/insights/agreements?for=${team}`)
    assert.include(teamMail.html, '<td>Merged pull requests</td><td align="right">10</td>')

    for (const account of [owner, loner]) {
      const [mail, ...others] = mailsTo(account.email)
      assert.lengthOf(others, 0)
      assert.include(mail.subject, ': your week in engineering')
      assert.notInclude(mail.subject, 'team Platform')
      assert.include(mail.text, '- Merged pull requests: 12 (+12)')
      assert.include(mail.text, 'First review within 24 h for the organisation: 75% (9 of 12)')
      assert.include(mail.text, 'Pull requests under 400 changed lines for Platform: 100%')
      assert.include(mail.text, 'WHAT CHANGED')
    }
    const links = [member, owner, loner].map((account) => stopLinkIn(mailsTo(account.email)[0]))
    assert.lengthOf(new Set(links), 3, 'each with its own unsubscribe link')
  })

  test("a member matched through one of the person's identities gets the team's digest; their unsubscribe link stops it", async ({
    assert,
  }) => {
    const { member, organizationId } = await organisationWithAWeek()
    await platform(organizationId, { identity: member.email })
    await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })
    const [mail] = mailsTo(member.email)
    assert.include(mail.subject, 'team Platform')

    const stopped = await new WebClient().get(stopLinkIn(mail))
    assert.equal(stopped.status, 200)
    await new SendWeeklyDigest().execute({ organizationId, now: new Date('2026-03-23T07:30:00Z') })
    assert.lengthOf(mailsTo(member.email), 1)
  })

  test("a member is the person their verified address names: a team holding that person by a linked identity is theirs, another person's unverified copy of the address is not", async ({
    assert,
  }) => {
    const { member, organizationId } = await organisationWithAWeek()
    const now = new Date()
    const person = async (email: string | null) =>
      insertedId(
        await db
          .table('people')
          .insert({
            organization_id: organizationId,
            display_name: 'P',
            email,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
      )!
    const identity = (
      personId: number,
      provider: string,
      externalId: string,
      email: string | null,
      verified: boolean
    ) =>
      db.table('contributors').insert({
        organization_id: organizationId,
        provider,
        external_id: externalId,
        login: externalId,
        email,
        email_verified: verified,
        person_id: personId,
        linked_identities: provider === 'jira' ? JSON.stringify(['github:alice']) : null,
        created_at: now,
        updated_at: now,
      })
    const team = async (name: string, personId: number) => {
      const teamId = insertedId(
        await db
          .table('teams')
          .insert({ organization_id: organizationId, name, created_at: now, updated_at: now })
          .returning('id')
      )!
      await db
        .table('team_members')
        .insert({ organization_id: organizationId, team_id: teamId, person_id: personId })
    }
    // the member's person: GitHub verified their address; their Jira Cloud account (no address) links to it
    const alice = await person(null)
    await identity(alice, 'github', 'alice', member.email.toUpperCase(), true)
    await identity(alice, 'jira', 'acc-alice', null, false)
    await team('Payments', alice)
    // someone else's Jira Data Center account shows the same address, typed by an administrator
    const other = await person(null)
    await identity(other, 'jira_dc', 'typed', member.email, false)
    await team('Mobile', other)

    await new SendWeeklyDigest().execute({ organizationId, now: MONDAY })

    const subjects = mailsTo(member.email).map((mail) => mail.subject)
    assert.lengthOf(subjects, 1, subjects.join(' | '))
    assert.include(subjects[0], 'team Payments')
  })
})
