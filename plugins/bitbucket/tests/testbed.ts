import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { WebClient } from '#tests/helpers/web_client'
import type { Group } from '@japa/runner/core'
import { resetDatabase } from '#tests/helpers/database'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'

/**
 * What the Bitbucket plugin's tests share: a signed-in admin, the
 * connect forms and the OAuth round trip through the pages, and
 * connections made directly (as the forms leave them).
 */
export const PAGE = '/settings/connections'
export const BASE = `http://${process.env.HOST}:${process.env.PORT}`

export async function signedInAdmin(organization?: Organization) {
  const account = await createAccount({ role: 'admin', organization })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

export function connectWith(web: WebClient, method: string, fields: Record<string, string>) {
  const form: Record<string, string> = { baseUrl: '', method }
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/bitbucket/connect`, form)
}

/** Connect with Bitbucket → bitbucket.org agrees → back to Sextant's callback */
export async function authorise(web: WebClient) {
  const started = await web.post('/integrations/bitbucket/oauth/start', { method: 'oauth' })
  const atBitbucket = await fetch(started.location!, { redirect: 'manual' })
  const back = new URL(atBitbucket.headers.get('location')!)
  return {
    authorizeUrl: new URL(started.location!),
    back,
    callback: await web.get(`${back.pathname}${back.search}`),
  }
}

/** an OAuth connection to a workspace, holding a live token pair from the fake */
export async function oauthConnection(
  bitbucket: FakeBitbucket,
  organization: Organization,
  workspace = 'acme'
) {
  const { accessToken, refreshToken } = bitbucket.issueTokens()
  const connection = await createConnection(organization, {
    pluginId: 'bitbucket',
    accountKey: workspace,
    config: { workspace },
    credentials: { accessToken, refreshToken, expiresAt: String(Date.now() + 7200_000) },
  })
  connection.authMethod = 'oauth'
  await connection.save()
  return connection
}

export function handleOf(connection: Connection) {
  return connectionHandle(connection, pluginRegistry.require('bitbucket'))
}

export async function rawRow(table: string, id: number) {
  return JSON.stringify(await db.from(table).where('id', id).first())
}

/**
 * The setup of a sync group: one fake Bitbucket for the group; before each
 * test an empty database and a fake without workspaces, repositories or
 * recorded requests. The fake exists only once the group has started,
 * hence the function.
 */
export function useFakeBitbucket(group: Group): () => FakeBitbucket {
  let bitbucket: FakeBitbucket | undefined
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket!.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket!.state.workspaces = []
    bitbucket!.state.repositories.clear()
    bitbucket!.resetRequests()
  })
  return () => bitbucket!
}
