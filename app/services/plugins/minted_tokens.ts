import lock from '@adonisjs/lock/services/main'
import Connection from '#models/connection'
import type { AppInstallationAuth, ConnectionHandle } from '#plugin-sdk/types'

/**
 * A minted token is replaced this long before it expires, so a sync that
 * starts with it finishes before it lapses (GitHub's last an hour).
 */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000

export class TokenMintError extends Error {}

function usable(credentials: Record<string, string>) {
  const expiresAt = Number(credentials.accessTokenExpiresAt)
  return Boolean(credentials.accessToken) && expiresAt - RENEW_BEFORE_EXPIRY_MS > Date.now()
}

/**
 * The connection's app-installation token, minted by the plugin only when
 * the stored one is missing or about to expire. Concurrent callers queue
 * on a lock and re-read the row once they hold it, so one process mints
 * and the others reuse what it sealed.
 */
export async function validMintedToken(
  connection: Connection,
  auth: AppInstallationAuth,
  handle: ConnectionHandle
): Promise<string> {
  const current = connection.openCredentials()
  if (usable(current)) return current.accessToken

  const [acquired, token] = await lock
    .createLock(`connection-token:${connection.id}`, '30s')
    .run(async () => {
      const fresh = await Connection.findOrFail(connection.id)
      const credentials = fresh.openCredentials()
      if (usable(credentials)) {
        connection.merge({ credentials: fresh.credentials })
        return credentials.accessToken
      }
      const minted = await auth.mintToken(handle)
      fresh.sealCredentials({
        ...credentials,
        accessToken: minted.token,
        accessTokenExpiresAt: String(minted.expiresAt.getTime()),
      })
      await fresh.save()
      connection.merge({ credentials: fresh.credentials })
      return minted.token
    })
  if (!acquired) throw new TokenMintError('Another process is renewing this token: try again')
  return token
}

/** Drops a cached token (minted or OAuth), so the next use renews it. */
export async function forgetAccessToken(connection: Connection) {
  await lock.createLock(`connection-token:${connection.id}`, '30s').run(async () => {
    const fresh = await Connection.findOrFail(connection.id)
    const { accessToken, accessTokenExpiresAt, ...rest } = fresh.openCredentials()
    if (accessToken === undefined && accessTokenExpiresAt === undefined) return
    fresh.sealCredentials(rest)
    await fresh.save()
    connection.merge({ credentials: fresh.credentials })
  })
}
