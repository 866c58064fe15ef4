import { randomBytes } from 'node:crypto'
import { failure, invalid, json, notFound, paginate, type ApiContext, type Reply } from './http.js'
import {
  appShape,
  installationShape,
  repositoryShape,
  userShape,
  APP_PERMISSIONS,
} from './shapes.js'
import { findRepository, iso, repositoriesOf, type FakeGitHubState } from './state.js'

/**
 * The App's own endpoints (JWT), installation tokens, and what an
 * installation token or a user token lists.
 */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** GitHub's token format: a prefix, then 36 characters of [A-Za-z0-9] */
export function newToken(prefix: 'ghs' | 'ghu') {
  const bytes = randomBytes(36)
  return `${prefix}_${[...bytes].map((byte) => TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]).join('')}`
}

export function mintInstallationToken(
  state: FakeGitHubState,
  installationId: number,
  repositoryIds: number[] | null = null
) {
  const token = newToken('ghs')
  const expiresAt = Date.now() + TOKEN_LIFETIME_MS
  state.installationTokens.set(token, { installationId, expiresAt, repositoryIds })
  state.tokensIssued += 1
  return { token, expiresAt }
}

export function getApp(context: ApiContext): Reply {
  return json(appShape(context.base, context.state))
}

export function listAppInstallations(context: ApiContext): Reply {
  const installations = [...context.state.installations.values()]
  const { items, headers } = paginate(context, installations)
  return {
    status: 200,
    body: items.map((installation) => installationShape(context.base, context.state, installation)),
    headers,
  }
}

export function getAppInstallation(context: ApiContext): Reply {
  const installation = context.state.installations.get(Number(context.params[0]))
  if (!installation) return notFound()
  return json(
    installationShape(context.base, context.state, installation),
    200,
    installation.updatedAt
  )
}

/**
 * DELETE /app/installations/{id}: uninstalls the App from the account
 * (JWT only): 204 No Content, 404 for an installation that is not there.
 * Its installation tokens stop working at once.
 */
export function deleteAppInstallation(context: ApiContext): Reply {
  const { state } = context
  if (state.faults.uninstallFailures && state.faults.uninstallFailures > 0) {
    state.faults.uninstallFailures -= 1
    return failure(502, 'Server Error')
  }
  const id = Number(context.params[0])
  if (!state.installations.delete(id)) return notFound()
  for (const [token, minted] of state.installationTokens) {
    if (minted.installationId === id) state.installationTokens.delete(token)
  }
  return { status: 204 }
}

/** POST /app/installations/{id}/access_tokens, optionally narrowed to some repositories */
export function createAccessToken(context: ApiContext): Reply {
  const { state } = context
  const installation = state.installations.get(Number(context.params[0]))
  if (!installation) return notFound()
  if (installation.suspendedAt !== null) {
    return failure(403, 'This installation has been suspended')
  }
  const available = repositoriesOf(state, installation.id)
  const names = context.body.repositories
  const ids = context.body.repository_ids
  let narrowed: typeof available | null = null
  if (Array.isArray(names) || Array.isArray(ids)) {
    const wanted = new Set([...((names as unknown[]) ?? []), ...((ids as unknown[]) ?? [])])
    narrowed = available.filter((repo) => wanted.has(repo.name) || wanted.has(repo.id))
    if (narrowed.length !== wanted.size) {
      return invalid(
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
        []
      )
    }
  }
  const { token, expiresAt } = mintInstallationToken(
    state,
    installation.id,
    narrowed ? narrowed.map((repo) => repo.id) : null
  )
  return json(
    {
      token,
      expires_at: iso(Math.floor(expiresAt / 1000)),
      permissions: APP_PERMISSIONS,
      repository_selection: narrowed ? 'selected' : installation.repositorySelection,
      ...(narrowed
        ? { repositories: narrowed.map((repo) => repositoryShape(context.base, repo)) }
        : {}),
    },
    201
  )
}

export function revokeInstallationToken(context: ApiContext): Reply {
  if (context.caller.kind === 'installation')
    context.state.installationTokens.delete(context.caller.token)
  return { status: 204 }
}

/** GET /installation/repositories: what this installation token can reach */
export function listInstallationRepositories(context: ApiContext): Reply {
  const { caller, state } = context
  if (caller.kind !== 'installation') return notFound()
  const installation = state.installations.get(caller.installationId)!
  const repositories = repositoriesOf(state, caller.installationId).filter(
    (repo) => caller.repositoryIds === null || caller.repositoryIds.includes(repo.id)
  )
  const { items, headers } = paginate(context, repositories)
  return {
    status: 200,
    headers,
    body: {
      total_count: repositories.length,
      repository_selection: caller.repositoryIds ? 'selected' : installation.repositorySelection,
      repositories: items.map((repo) => repositoryShape(context.base, repo)),
    },
  }
}

/**
 * GET /user/repos: the repositories a user (or a personal access token)
 * can read, here those of the installations the user belongs to.
 */
export function listUserRepositories(context: ApiContext): Reply {
  const user = currentUser(context)
  if (!user) return notFound()
  const repositories = user.installationIds.flatMap((id) => repositoriesOf(context.state, id))
  repositories.sort((a, b) => a.fullName.localeCompare(b.fullName))
  const { items, headers } = paginate(context, repositories)
  return { status: 200, headers, body: items.map((repo) => repositoryShape(context.base, repo)) }
}

function currentUser(context: ApiContext) {
  const { caller } = context
  if (caller.kind !== 'user') return null
  return context.state.users.find((user) => user.login === caller.login) ?? null
}

export function getUser(context: ApiContext): Reply {
  const user = currentUser(context)
  if (!user) return notFound()
  return json({
    ...userShape(context.base, user),
    name: user.name,
    company: null,
    blog: '',
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    public_repos: 0,
    followers: 0,
    following: 0,
    created_at: '2020-02-02T10:00:00Z',
    updated_at: '2026-01-05T10:00:00Z',
  })
}

/** GET /user/installations: the App's installations this user can reach */
export function listUserInstallations(context: ApiContext): Reply {
  const user = currentUser(context)
  if (!user) return notFound()
  const installations = [...context.state.installations.values()].filter((installation) =>
    user.installationIds.includes(installation.id)
  )
  const { items, headers } = paginate(context, installations)
  return {
    status: 200,
    headers,
    body: {
      total_count: installations.length,
      installations: items.map((installation) =>
        installationShape(context.base, context.state, installation)
      ),
    },
  }
}

/** GET /user/installations/{id}/repositories */
export function listUserInstallationRepositories(context: ApiContext): Reply {
  const user = currentUser(context)
  const installationId = Number(context.params[0])
  const installation = context.state.installations.get(installationId)
  if (!user || !installation || !user.installationIds.includes(installationId)) return notFound()
  const repositories = repositoriesOf(context.state, installationId)
  const { items, headers } = paginate(context, repositories)
  return {
    status: 200,
    headers,
    body: {
      total_count: repositories.length,
      repository_selection: installation.repositorySelection,
      repositories: items.map((repo) => repositoryShape(context.base, repo)),
    },
  }
}

/** GET /repos/{owner}/{repo}/installation (JWT): which installation holds a repository */
export function getRepositoryInstallation(context: ApiContext): Reply {
  const repository = findRepository(context.state, `${context.params[0]}/${context.params[1]}`)
  const installation = repository && context.state.installations.get(repository.installationId)
  if (!installation) return notFound()
  return json(
    installationShape(context.base, context.state, installation),
    200,
    installation.updatedAt
  )
}
