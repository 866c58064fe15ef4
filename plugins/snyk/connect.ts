import type { ConnectionHandle, ConnectionTestResult } from '#plugin-sdk'
import { vine } from '#plugin-sdk'
import { SnykClient } from './client.js'
import { snykOrgIdOf } from './sync/issues.js'

export const connectFields = [
  {
    name: 'token',
    label: 'API token',
    type: 'password' as const,
    secret: true,
    required: true,
    help: 'A service account token is recommended (Snyk: Settings → Service accounts, role Org Collaborator or a custom role that reads projects and issues): it belongs to no person, so it keeps working when someone leaves. A personal token works too.',
  },
  {
    name: 'organization',
    label: 'Snyk organisation ID',
    required: true,
    placeholder: '4a18d42f-0706-4ad0-b127-24078731fbed',
    help: 'Snyk: Settings → General → Organization ID. The test lists every organisation the token sees; connect the others from this connection\u2019s page.',
  },
]

export const connectValidator = vine.create({
  token: vine.string().trim().minLength(8).maxLength(512),
  organization: vine
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
})

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

/**
 * `/rest/self` names the token's owner (a person or a service account),
 * `/rest/orgs` lists what it sees; the connection's organisation must be
 * among them.
 */
export async function testConnection(connection: ConnectionHandle): Promise<ConnectionTestResult> {
  const client = new SnykClient(await connection.client({ retries: { attempts: 2 } }))
  const self = await client.self()
  const orgs = await client.orgs()
  const who = self.attributes.name ?? self.attributes.username ?? 'this token'
  const kind = self.type === 'service_account' ? 'service account' : 'user'
  const names = orgs.map((org) => org.attributes.name).join(', ')
  const orgId = snykOrgIdOf(connection)
  const org = orgs.find((candidate) => candidate.id === orgId)
  if (!org) {
    return {
      ok: false,
      message: `The token of ${who} (${kind}) does not see organisation ${orgId}; it sees ${plural(orgs.length, 'organisation', 'organisations')}${names ? `: ${names}` : ''}.`,
    }
  }
  await connection.update({
    config: { orgName: org.attributes.name, orgSlug: org.attributes.slug },
    displayName: org.attributes.name,
  })
  return {
    ok: true,
    message: `Token of ${who} (${kind}), seeing ${plural(orgs.length, 'organisation', 'organisations')}: ${names}. Connected: ${org.attributes.name}.`,
    account: org.attributes.name,
  }
}
