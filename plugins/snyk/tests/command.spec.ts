import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { runAce } from '#tests/helpers/processes'
import type { FakeSnyk } from './fake_snyk.js'
import { connectOrg, seedToken, startSnyk, vulnerabilities } from './testbed.js'

/** the old crontab line and the new command, run through "node ace" as cron runs them */
test.group('Snyk | fetch:data', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  test('`fetch_data Snyk --orgid <n>` (the old spelling) syncs that organisation; `fetch:data snyk` too', async ({
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    snyk.addIssue(acme.id, project.id, {})
    const organization = await createOrganization()
    await connectOrg(organization, acme.id)

    const old = await runAce(['fetch_data', 'Snyk', '--orgid', String(organization.id)])
    assert.equal(old.code, 0, old.stderr + old.stdout)
    assert.lengthOf(await vulnerabilities(organization.id), 1)

    snyk.addIssue(acme.id, project.id, { updated_at: '2026-12-05T00:00:00.000Z' })
    const current = await runAce(['fetch:data', 'snyk'])
    assert.equal(current.code, 0, current.stderr + current.stdout)
    assert.lengthOf(await vulnerabilities(organization.id), 2)
  }).timeout(120_000)
})
