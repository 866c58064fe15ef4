import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { publicIds } from '#services/public_id'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { deliverToFixture } from '#tests/helpers/fixture_deliveries'

/**
 * One repository whatever the provider: the fixture plugin (a security
 * provider here, as Snyk is) names repositories by URL or full name in
 * the findings it writes through its webhook; they attach to the
 * repository the hosting provider (GitHub) wrote, or wait in the mapping
 * list, never dropped and never written as a made-up repository.
 */
function githubStore(organizationId: number) {
  return new FencedDomainStore({ organizationId, provider: 'github', connectionId: null }, () => {})
}

async function githubRepository(organizationId: number, fullName = 'Acme/API', id = '1001') {
  await githubStore(organizationId).upsertRepositories([
    {
      externalId: id,
      name: fullName.split('/')[1],
      fullName,
      url: `https://github.com/${fullName}`,
      cloneUrl: `https://github.com/${fullName}.git`,
    },
  ])
  return db
    .from('repositories')
    .where({ organization_id: organizationId, provider: 'github', external_id: id })
    .firstOrFail()
}

function finding(id: string, repository: { repositoryUrl?: string; repositoryFullName?: string }) {
  return {
    finding: {
      id,
      title: `Finding ${id}`,
      severity: 'high',
      found: '2026-03-03T10:00:00.000Z',
      ...repository,
    },
  }
}

async function vulnerability(externalId: string) {
  return db
    .from('vulnerabilities')
    .where({ provider: 'fixture', external_id: externalId })
    .firstOrFail()
}

async function repositoryCount(organizationId: number) {
  const [{ total }] = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .count('* as total')
  return Number(total)
}

test.group('Repositories across providers', (group) => {
  group.each.setup(resetDatabase())

  test('a finding naming a GitHub repository by its SSH clone URL attaches to it', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await createConnection(organization)
    const repository = await githubRepository(organization.id)

    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'git@github.com:acme/api.git',
      })
    )

    const row = await vulnerability('v-1')
    assert.equal(row.repository_id, repository.id)
    assert.isNull(row.repository_reference_id)
    assert.equal(await repositoryCount(organization.id), 1)
  })

  test('a finding naming a repository by full name attaches to the one repository of that name', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await createConnection(organization)
    const repository = await githubRepository(organization.id)

    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryFullName: 'acme/api',
      })
    )

    assert.equal((await vulnerability('v-1')).repository_id, repository.id)
  })

  test('an unknown URL is kept for the mapping list: the row stays, no repository is made up', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    await githubRepository(account.organization.id)

    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'https://bitbucket.org/acme/unknown-service',
      })
    )

    const row = await vulnerability('v-1')
    assert.isNull(row.repository_id)
    assert.isNotNull(row.repository_reference_id)
    assert.equal(await repositoryCount(account.organization.id), 1)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/settings/repository-mapping')
    assert.equal(page.status, 200)
    assert.include(page.text, 'https://bitbucket.org/acme/unknown-service')
    assert.include(page.text, 'Acme/API (github)')
  })

  test('the same unknown reference written twice is one entry of the list', async ({ assert }) => {
    const organization = await createOrganization()
    await createConnection(organization)

    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'https://bitbucket.org/acme/unknown-service',
      })
    )
    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-2', {
        repositoryUrl: 'git@bitbucket.org:Acme/unknown-service.git',
      })
    )

    const references = await db.from('repository_references').select('kind', 'reference')
    assert.deepEqual(references, [{ kind: 'url', reference: 'bitbucket.org/acme/unknown-service' }])
    assert.equal(
      (await vulnerability('v-1')).repository_reference_id,
      (await vulnerability('v-2')).repository_reference_id
    )
  })

  test('a finding written before its repository attaches once the hosting provider writes it', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await createConnection(organization)
    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'https://github.com/acme/api/security/code-scanning',
      })
    )
    assert.isNull((await vulnerability('v-1')).repository_id)

    const repository = await githubRepository(organization.id)

    assert.equal((await vulnerability('v-1')).repository_id, repository.id)
    const reference = await db.from('repository_references').firstOrFail()
    assert.equal(reference.resolution, 'automatic')
  })

  test('a full name two repositories share is ambiguous and waits for an admin', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await createConnection(organization)
    await githubRepository(organization.id, 'acme/api', '1001')
    await new FencedDomainStore(
      { organizationId: organization.id, provider: 'azure-devops', connectionId: null },
      () => {}
    ).upsertRepositories([
      {
        externalId: 'guid-1',
        name: 'api',
        fullName: 'acme/api',
        url: 'https://dev.azure.com/acme/platform/_git/api',
      },
    ])

    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryFullName: 'acme/api',
      })
    )

    assert.isNull((await vulnerability('v-1')).repository_id)
    const reference = await db.from('repository_references').firstOrFail()
    assert.equal(reference.reason, 'ambiguous')
  })

  test('an admin maps a reference by hand: its rows attach, and later ones resolve there', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    const repository = await githubRepository(account.organization.id)
    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'https://scm.internal.example/legacy-api',
      })
    )
    const reference = await db.from('repository_references').firstOrFail()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/repository-mapping')

    const mapped = await web.post(
      `/settings/repository-mapping/${publicIds('repository_reference').encode(reference.id)}`,
      { repository: publicIds('repository').encode(repository.id) }
    )

    assert.equal(mapped.status, 302)
    assert.equal((await vulnerability('v-1')).repository_id, repository.id)
    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-2', {
        repositoryUrl: 'https://scm.internal.example/legacy-api',
      })
    )
    assert.equal((await vulnerability('v-2')).repository_id, repository.id)
    const list = await web.get('/settings/repository-mapping')
    assert.include(list.text, 'data-testid="no-references"')
    const audit = await db
      .from('audit_events')
      .where('event', 'repository_reference.mapped')
      .first()
    assert.isNotNull(audit)
  })

  test("a reference cannot be mapped to another organisation's repository", async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    const other = await createOrganization()
    const foreign = await githubRepository(other.id)
    await deliverToFixture(
      'vulnerability',
      'reported',
      finding('v-1', {
        repositoryUrl: 'https://scm.internal.example/legacy-api',
      })
    )
    const reference = await db.from('repository_references').firstOrFail()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/repository-mapping')

    const refused = await web.post(
      `/settings/repository-mapping/${publicIds('repository_reference').encode(reference.id)}`,
      { repository: publicIds('repository').encode(foreign.id) }
    )

    assert.equal(refused.status, 422)
    assert.include(refused.text, 'Choose one of the repositories in the list.')
    assert.isNull((await vulnerability('v-1')).repository_id)
  })

  test('a member without integrations.manage cannot see or use the mapping page', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'viewer' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get('/settings/repository-mapping')

    assert.equal(page.status, 403)
  })
})
