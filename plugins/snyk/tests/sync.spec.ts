import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#plugin-sdk/testing'
import type { FakeSnyk } from './fake_snyk.js'
import { connectOrg, handleOf, seedToken, startSnyk, sync, vulnerabilities } from './testbed.js'

const ISSUES = /^\/rest\/orgs\/[^/]+\/issues$/
const PROJECTS = /^\/rest\/orgs\/[^/]+\/projects$/

/** a repository as a code provider (GitHub) wrote it */
async function gitHubRepository(organization: Awaited<ReturnType<typeof createOrganization>>) {
  const github = await createConnection(organization, {
    pluginId: 'github',
    accountKey: '777',
    credentials: {},
    config: { installationId: 777 },
  })
  await handleOf(github).store.upsertRepositories([
    {
      externalId: '101',
      name: 'api',
      fullName: 'acme/api',
      url: 'https://github.com/acme/api',
      cloneUrl: 'https://github.com/acme/api.git',
    },
  ])
  return db.from('repositories').where('external_id', '101').firstOrFail()
}

test.group('Snyk | sync', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  test('2 organisations, 300 projects, 20,000 issues: one request per 100 rows; the next sync reads only the 10 changed issues', async ({
    assert,
  }) => {
    const orgs = seedToken(snyk, ['Acme', 'Beta'])
    for (const org of orgs) {
      for (let p = 0; p < 150; p++) {
        const project = snyk.addProject(org.id, {
          name: `acme/service-${p}:package.json`,
          url: `https://github.com/acme/service-${p}`,
        })
        for (let i = 0; i < 67 && snyk.issues.get(org.id)!.length < 10_000; i++) {
          snyk.addIssue(org.id, project.id, {
            effective_severity_level: i % 4 === 0 ? 'critical' : 'medium',
          })
        }
      }
    }
    const organization = await createOrganization()
    const connections = [
      await connectOrg(organization, orgs[0].id),
      await connectOrg(organization, orgs[1].id),
    ]

    for (const connection of connections) {
      const run = await sync(connection)
      assert.equal(run.status, 'succeeded', run.error ?? '')
      assert.equal(
        run.requests,
        2 + 100,
        'ceil(150/100) project pages + ceil(10,000/100) issue pages'
      )
    }
    assert.equal(snyk.count(PROJECTS), 4)
    assert.equal(snyk.count(ISSUES), 200)
    assert.isTrue(
      snyk.requests.every(
        (request) => request.query.get('version') || !request.path.startsWith('/rest')
      )
    )
    const rows = await vulnerabilities(organization.id)
    assert.lengthOf(rows, 20_000)
    const critical = [...snyk.issues.values()]
      .flat()
      .filter((issue) => issue.attributes.effective_severity_level === 'critical').length
    assert.isAbove(critical, 4000)
    assert.equal(rows.filter((row) => row.severity === 'critical').length, critical)

    const changed = snyk.issues.get(orgs[0].id)!.slice(0, 10)
    for (const issue of changed) {
      snyk.updateIssue(
        orgs[0].id,
        issue.id,
        { effective_severity_level: 'low' },
        '2026-12-01T00:00:00.000Z'
      )
    }
    snyk.requests = []
    const again = await sync(connections[0])
    assert.equal(again.status, 'succeeded', again.error ?? '')
    assert.equal(snyk.count(ISSUES), 1)
    assert.equal(
      snyk.requests.find((request) => ISSUES.test(request.path))!.query.get('updated_after'),
      '2026-11-01T00:00:00.000Z'
    )
    assert.equal(again.requests, 2 + 1)
    const lowered = await db
      .from('vulnerabilities')
      .where('provider', 'snyk')
      .where('severity', 'low')
    assert.sameMembers(
      lowered.map((row) => row.external_id),
      changed.map((issue) => issue.id)
    )
  }).timeout(180_000)

  test('a project on a GitHub repository Sextant knows attaches to it; an unknown target waits on the mapping page and attaches once mapped, with its issues', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const account = await createAccount({ role: 'admin' })
    const repository = await gitHubRepository(account.organization)
    const known = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const unknown = snyk.addProject(acme.id, {
      name: 'acme/legacy:pom.xml',
      origin: 'bitbucket-cloud',
      url: 'https://bitbucket.org/acme/legacy',
    })
    const onKnown = snyk.addIssue(acme.id, known.id, {})
    const onUnknown = snyk.addIssue(acme.id, unknown.id, {})
    const connection = await connectOrg(account.organization, acme.id)
    const run = await sync(connection)
    assert.equal(run.status, 'succeeded')

    const written = await vulnerabilities(account.organization.id)
    const byId = new Map(written.map((row) => [row.external_id, row]))
    assert.equal(byId.get(onKnown.id).repository_id, repository.id)
    assert.isNull(byId.get(onUnknown.id).repository_id)
    // the project's branch and origin are kept with its target
    const stored = await db.from('snyk_projects').where('project_id', unknown.id).firstOrFail()
    assert.deepInclude(stored, { origin: 'bitbucket-cloud', target_reference: 'main' })

    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { text: page } = await web.get('/settings/repository-mapping')
    assert.include(page, 'bitbucket.org/acme/legacy')
    const action = /action="(\/settings\/repository-mapping\/[^"]+)"/.exec(page)![1]
    const option = /<option value="([^"]+)">acme\/api/.exec(page)![1]
    const mapped = await web.post(action, { repository: option })
    assert.include([302, 303], mapped.status)
    const after = await db.from('vulnerabilities').where('external_id', onUnknown.id).firstOrFail()
    assert.equal(after.repository_id, repository.id)
  })

  test('severity, identifiers, fixability and exploit maturity are kept; a resolved issue is fixed with its time to remediate', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const issue = snyk.addIssue(acme.id, project.id, {
      effective_severity_level: 'critical',
      cve: 'CVE-2026-1234',
      fixable: true,
      exploit: 'Mature',
      created_at: '2026-11-01T00:00:00.000Z',
    })
    const organization = await createOrganization()
    const connection = await connectOrg(organization, acme.id)
    await sync(connection)
    const [open] = await vulnerabilities(organization.id)
    assert.deepInclude(open, {
      severity: 'critical',
      status: 'open',
      identifier: 'CVE-2026-1234',
      package_name: 'lodash',
      exploit_maturity: 'Mature',
    })
    // the domain row carries what top risks weigh: the exploit and the fix
    assert.isTrue(Boolean(open.fix_available))
    const details = await db.from('snyk_issues').where('issue_id', issue.id).firstOrFail()
    assert.deepInclude(details, {
      cve: 'CVE-2026-1234',
      cwe: 'CWE-1321',
      exploit_maturity: 'Mature',
      cvss_score: 7.5,
    })
    assert.isTrue(Boolean(details.fixable))

    snyk.updateIssue(
      acme.id,
      issue.id,
      {
        status: 'resolved',
        resolution: { type: 'fixed', resolved_at: '2026-11-11T00:00:00.000Z' },
      },
      '2026-11-11T00:00:00.000Z'
    )
    await sync(connection)
    const [fixed] = await vulnerabilities(organization.id)
    assert.equal(fixed.status, 'fixed')
    const days =
      (new Date(fixed.fixed_at).getTime() - new Date(fixed.introduced_at).getTime()) / 86_400_000
    assert.equal(Math.round(days), 10)
  })

  test('an issue Snyk no longer lists is closed on a complete read, never deleted', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const gone = snyk.addIssue(acme.id, project.id, {})
    snyk.addIssue(acme.id, project.id, {})
    const organization = await createOrganization()
    const connection = await connectOrg(organization, acme.id)
    await sync(connection)
    snyk.issues.set(
      acme.id,
      snyk.issues.get(acme.id)!.filter((issue) => issue.id !== gone.id)
    )
    await sync(connection, { full: true })
    const rows = await vulnerabilities(organization.id)
    assert.lengthOf(rows, 2)
    const closed = rows.find((row) => row.external_id === gone.id)
    assert.equal(closed.status, 'fixed')
    assert.isNotNull(closed.fixed_at)
    const details = await db.from('snyk_issues').where('issue_id', gone.id).firstOrFail()
    assert.equal(details.status, 'closed')
  })

  test('once SNYK_COMPLETE_READ_DAYS have passed, the scheduled run reads everything and closes what vanished', async ({
    assert,
    cleanup,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const gone = snyk.addIssue(acme.id, project.id, {})
    snyk.addIssue(acme.id, project.id, {})
    const organization = await createOrganization()
    const connection = await connectOrg(organization, acme.id)
    await sync(connection)
    snyk.issues.set(
      acme.id,
      snyk.issues.get(acme.id)!.filter((issue) => issue.id !== gone.id)
    )
    cleanup(withEnv({ SNYK_COMPLETE_READ_DAYS: '0' }))
    snyk.requests = []
    await sync(connection)
    const read = snyk.requests.find((request) => request.path.endsWith('/issues'))!
    assert.isNull(read.query.get('updated_after'))
    const closed = await db.from('vulnerabilities').where('external_id', gone.id).firstOrFail()
    assert.equal(closed.status, 'fixed')
  })

  test('an ignore with a reason and an expiry keeps the issue off the open counts, its reason and expiry kept', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const issue = snyk.addIssue(acme.id, project.id, { ignored: true, key: 'SNYK-JS-LODASH-1' })
    snyk.ignores.set(project.id, {
      'SNYK-JS-LODASH-1': [
        {
          '*': {
            reason: 'Not reachable from our code',
            reasonType: 'wont-fix',
            expires: '2099-01-01T00:00:00.000Z',
          },
        },
      ],
    })
    const organization = await createOrganization()
    await sync(await connectOrg(organization, acme.id))
    const [row] = await vulnerabilities(organization.id)
    assert.equal(row.status, 'ignored')
    const details = await db.from('snyk_issues').where('issue_id', issue.id).firstOrFail()
    assert.equal(details.ignore_reason, 'Not reachable from our code')
    assert.isNotNull(details.ignore_expires_at)
    assert.equal(snyk.count(/\/ignores$/), 1)
  })

  test('a 429 is waited out by its Retry-After and the sync completes', async ({ assert }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    snyk.addIssue(acme.id, project.id, {})
    const organization = await createOrganization()
    const connection = await connectOrg(organization, acme.id)
    snyk.throttle = { count: 2, retryAfter: 1 }
    const started = Date.now()
    const run = await sync(connection)
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.isAtLeast(Date.now() - started, 1900)
    assert.lengthOf(await vulnerabilities(organization.id), 1)
  })
})
