import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { startFakeSnyk, type FakeSnyk } from './fake_snyk.js'
import { connectOrg, seedToken, startSnyk, sync, vulnerabilities } from './testbed.js'

test.group('Snyk | pagination', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  async function seeded(issues: number) {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    for (let i = 0; i < issues; i++) snyk.addIssue(acme.id, project.id, {})
    const organization = await createOrganization()
    return { organization, connection: await connectOrg(organization, acme.id) }
  }

  for (const style of ['rest-root', 'host'] as const) {
    test(`next links written relative to the ${style === 'host' ? 'host (/rest/orgs/…)' : 'REST root (/orgs/…)'} are followed under /rest`, async ({
      assert,
    }) => {
      const { organization, connection } = await seeded(250)
      snyk.links = { style }
      snyk.requests = []
      const run = await sync(connection)
      assert.equal(run.status, 'succeeded', run.error ?? '')
      assert.lengthOf(await vulnerabilities(organization.id), 250)
      const pages = snyk.requests.filter((request) => request.path.endsWith('/issues'))
      assert.lengthOf(pages, 3)
      assert.isTrue(pages.slice(1).every((request) => request.query.has('starting_after')))
    })
  }

  test('a next link to another origin stops the sync before anything is sent there', async ({
    assert,
  }) => {
    const { connection } = await seeded(150)
    // another server, not the connection's API (SNYK_API_URL stays on the first)
    const elsewhere = await startFakeSnyk()
    try {
      snyk.links = { style: 'absolute', origin: elsewhere.url }
      const run = await sync(connection)
      assert.equal(run.status, 'failed')
      assert.include(run.error ?? '', 'another origin')
      assert.lengthOf(elsewhere.requests, 0)
    } finally {
      await elsewhere.stop()
    }
  })
})
