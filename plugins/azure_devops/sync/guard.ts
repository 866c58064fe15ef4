import { HttpError, type SyncContext, type SyncTask } from '#plugin-sdk'

export const TOKEN_REFUSED =
  'Azure DevOps refused the personal access token: it expired or was revoked. Connect again with a new token; syncs are paused until then.'

export const SIGN_IN_REFUSED =
  'Azure DevOps refused the Entra ID sign-in: it was revoked or the user lost access. Sign in with Entra ID again; syncs are paused until then.'

/**
 * A 401 during a sync is either a dead token or a scope it lacks. The
 * token is asked who it is (connectionData needs no scope): refused
 * there too, the connection needs attention (status error, so the
 * schedules skip it) until a new token is connected.
 */
export function guarded(run: SyncTask['run'], scopeLabel: string): SyncTask['run'] {
  return async (context: SyncContext) => {
    try {
      await run(context)
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 401) throw error
      if (await credentialsAlive(context)) {
        throw new Error(
          `The personal access token lacks the ${scopeLabel} scope: add it, or create a token that has it.`
        )
      }
      return refuseConnection(context)
    }
  }
}

/** whether the token (or sign-in) is still accepted: connectionData needs no scope */
export function credentialsAlive(context: SyncContext) {
  return context.http
    .get('/_apis/connectionData', { conditional: false })
    .then(() => true)
    .catch((probe) => !(probe instanceof HttpError && probe.status === 401))
}

/** the token is dead: the connection needs attention, the schedules skip it */
export async function refuseConnection(context: SyncContext): Promise<never> {
  await context.connection.update({ status: 'error' })
  throw new Error(context.connection.credentials.token ? TOKEN_REFUSED : SIGN_IN_REFUSED)
}
