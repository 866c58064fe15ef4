import { randomUUID } from 'node:crypto'
import type { FakeRepository, FakeState } from './state.js'

type Answer = [number, unknown?, Record<string, string>?]
type Caller = { workspaces: string[] | 'all'; user: boolean }

const origin = 'https://bitbucket.org'

/** the paginated envelope: `{ size, page, pagelen, next?, values }`, next an absolute URL */
function paged(url: URL, base: string, rows: unknown[], maxPagelen = 100): Answer {
  const pagelen = Math.min(Number(url.searchParams.get('pagelen') ?? 10), maxPagelen)
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
  const values = rows.slice((page - 1) * pagelen, page * pagelen)
  const body: Record<string, unknown> = { size: rows.length, page, pagelen, values }
  if (page * pagelen < rows.length) {
    const next = new URL(`${url.pathname}${url.search}`, base)
    next.searchParams.set('page', String(page + 1))
    body.next = next.toString()
  }
  return [200, body]
}

export function repositoryJson(repository: FakeRepository) {
  const full = `${repository.workspace}/${repository.slug}`
  const workspace = { type: 'workspace', slug: repository.workspace }
  return {
    type: 'repository',
    uuid: repository.uuid,
    full_name: full,
    name: repository.name,
    slug: repository.slug,
    is_private: repository.is_private,
    language: repository.language,
    updated_on: repository.updated_on,
    mainbranch: { name: repository.mainbranch, type: 'branch' },
    workspace,
    links: {
      html: { href: `${origin}/${full}` },
      clone: [
        { name: 'https', href: `https://jdoe@bitbucket.org/${full}.git` },
        { name: 'ssh', href: `git@bitbucket.org:${full}.git` },
      ],
    },
  }
}

/** a pull request as webhook payloads carry it */
export function pullRequestJson(
  repository: FakeRepository,
  pull: FakeRepository['pullRequests'][number]
) {
  const { activity, diffstat, commits, ...rest } = pull
  const html = `${origin}/${repository.workspace}/${repository.slug}/pull-requests/${pull.id}`
  return { type: 'pullrequest', ...rest, links: { html: { href: html } } }
}

/** `updated_on > 2026-…` and nothing else of BBQL */
function since(url: URL) {
  const q = /^updated_on\s*>\s*"?([^"]+)"?$/.exec(url.searchParams.get('q') ?? '')
  return q ? Date.parse(q[1]) : null
}

/**
 * The REST API 2.0 routes the plugin uses. `caller` says what the
 * credential reaches (a workspace access token: one workspace and no
 * /2.0/user).
 */
export function apiRoute(
  state: FakeState,
  base: string,
  caller: Caller,
  method: string,
  url: URL,
  body: unknown
): Answer {
  const path = url.pathname.replace(/\/+$/, '')
  const reaches = (slug: string) =>
    state.workspaces.some((w) => w.slug === slug) &&
    (caller.workspaces === 'all' || caller.workspaces.includes(slug))
  if (path === '/2.0/user') {
    if (!caller.user)
      return [403, { type: 'error', error: { message: 'Access token cannot read users' } }]
    return [200, { type: 'user', ...state.me }]
  }
  if (path === '/2.0/user/permissions/workspaces') {
    const rows = state.workspaces
      .filter((w) => reaches(w.slug))
      .map((w) => ({
        type: 'workspace_membership',
        permission: 'owner',
        workspace: { type: 'workspace', ...w },
      }))
    return paged(url, base, rows)
  }
  const groups = /^\/1\.0\/groups\/([^/]+)$/.exec(path)
  if (groups) {
    // the 1.0 groups resource: every group of the account with its members, one array
    if (!reaches(groups[1])) return [404, { type: 'error', error: { message: 'Not found' } }]
    if (state.groupsForbidden)
      return [
        403,
        { type: 'error', error: { message: 'You must be an administrator of this workspace' } },
      ]
    return [
      200,
      state.groups.map((group) => ({
        name: group.name,
        slug: group.slug,
        permission: group.permission ?? null,
        auto_add: false,
        email_forwarding_disabled: false,
        owner: { ...state.me, is_team: false },
        members: group.members.map((member) => ({
          ...member,
          is_team: false,
          is_staff: false,
          avatar: `https://secure.gravatar.com/avatar/${member.nickname}`,
          resource_uri: `/1.0/users/${member.nickname}`,
        })),
      })),
    ]
  }
  let match = /^\/2\.0\/workspaces\/([^/]+)(\/hooks(?:\/([^/]+))?)?$/.exec(path)
  if (match) {
    const [, slug, hooks, hookId] = match
    if (!reaches(slug)) return [404, { type: 'error', error: { message: 'Workspace not found' } }]
    if (!hooks)
      return [200, { type: 'workspace', ...state.workspaces.find((w) => w.slug === slug) }]
    if (state.workspaceHooksForbidden) {
      return [
        403,
        { type: 'error', error: { message: 'You must be an administrator of this workspace' } },
      ]
    }
    return hookRoute(state, `/2.0/workspaces/${slug}`, method, hookId, body)
  }
  match = /^\/2\.0\/repositories\/([^/]+)(?:\/([^/]+)(\/.*)?)?$/.exec(path)
  if (!match) return [404, { type: 'error', error: { message: 'Resource not found' } }]
  const [, slug, repoSlug, rest = ''] = match
  if (!reaches(slug)) return [404, { type: 'error', error: { message: 'Workspace not found' } }]
  if (!repoSlug) {
    const rows = [...state.repositories.values()]
      .filter((r) => r.workspace === slug)
      .sort((a, b) => b.updated_on.localeCompare(a.updated_on))
      .map(repositoryJson)
    return paged(url, base, rows)
  }
  const repository = state.repositories.get(`${slug}/${repoSlug}`)
  if (!repository) return [404, { type: 'error', error: { message: 'Repository not found' } }]
  if (rest === '') return [200, repositoryJson(repository)]
  if (rest === '/pullrequests') {
    const states = url.searchParams.getAll('state')
    const after = since(url)
    const withParticipants = (url.searchParams.get('fields') ?? '').includes('+values.participants')
    const rows = repository.pullRequests
      .filter((p) => (states.length ? states.includes(p.state) : p.state === 'OPEN'))
      .filter((p) => after === null || Date.parse(p.updated_on) > after)
      .sort((a, b) => b.updated_on.localeCompare(a.updated_on))
      .map(({ activity, diffstat, commits, participants, ...pull }) => ({
        type: 'pullrequest',
        ...pull,
        ...(withParticipants ? { participants } : {}),
        links: { html: { href: `${origin}/${slug}/${repoSlug}/pull-requests/${pull.id}` } },
      }))
    return paged(url, base, rows, 50)
  }
  match = /^\/pullrequests\/(\d+)\/commits$/.exec(rest)
  if (match) {
    const pull = repository.pullRequests.find((p) => p.id === Number(match![1]))
    if (!pull) return [404, { type: 'error', error: { message: 'Pull request not found' } }]
    const rows = (pull.commits ?? []).map(({ raw, author, ...commit }) => ({
      type: 'commit',
      ...commit,
      author: { type: 'author', raw, user: author },
    }))
    return paged(url, base, rows)
  }
  match = /^\/pullrequests\/(\d+)\/(activity|diffstat)$/.exec(rest)
  if (match) {
    const pull = repository.pullRequests.find((p) => p.id === Number(match![1]))
    if (!pull) return [404, { type: 'error', error: { message: 'Pull request not found' } }]
    const rows =
      match[2] === 'activity'
        ? pull.activity
        : pull.diffstat.map((d) => ({ type: 'diffstat', ...d }))
    return paged(url, base, rows, 500)
  }
  match = /^\/refs\/branches\/([^/]+)$/.exec(rest)
  if (match) {
    if (decodeURIComponent(match[1]) !== repository.mainbranch || repository.commits.length === 0) {
      return [404, { type: 'error', error: { message: 'Branch not found' } }]
    }
    return [
      200,
      {
        type: 'branch',
        name: repository.mainbranch,
        target: { type: 'commit', hash: repository.commits[0].hash },
      },
    ]
  }
  match = /^\/commits\/([^/]+)$/.exec(rest)
  if (match) {
    const rows = repository.commits.map(({ raw, author, ...commit }) => ({
      type: 'commit',
      ...commit,
      author: { type: 'author', raw, user: author },
    }))
    return paged(url, base, rows)
  }
  if (rest === '/pipelines') return paged(url, base, repository.pipelines)
  if (rest === '/environments') return paged(url, base, repository.environments)
  if (rest === '/deployments') return paged(url, base, repository.deployments)
  match = /^\/hooks(?:\/([^/]+))?$/.exec(rest)
  if (match)
    return hookRoute(state, `/2.0/repositories/${slug}/${repoSlug}`, method, match[1], body)
  match = /^\/commit\/([0-9a-f]+)\/statuses\/build$/.exec(rest)
  if (match && method === 'POST') return postStatus(state, `${slug}/${repoSlug}`, match[1], body)
  return [404, { type: 'error', error: { message: 'Resource not found' } }]
}

function hookRoute(
  state: FakeState,
  subject: string,
  method: string,
  hookId: string | undefined,
  body: unknown
): Answer {
  if (method === 'POST' && !hookId) {
    const input = body as { url?: string; secret?: string; events?: string[]; description?: string }
    if (!input?.url || !input.events?.length) {
      return [400, { type: 'error', error: { message: 'url and events are required' } }]
    }
    const uuid = `{${randomUUID()}}`
    state.hooks.set(uuid, {
      uuid,
      subject,
      url: input.url,
      secret: input.secret ?? '',
      description: input.description ?? '',
      events: input.events,
      active: true,
    })
    const { secret, ...shown } = state.hooks.get(uuid)!
    return [201, { type: 'webhook_subscription', ...shown, secret_set: Boolean(secret) }]
  }
  if (method === 'GET' && !hookId) {
    const rows = [...state.hooks.values()]
      .filter((hook) => hook.subject === subject)
      .map(({ secret, ...hook }) => ({
        type: 'webhook_subscription',
        ...hook,
        secret_set: Boolean(secret),
      }))
    return [200, { size: rows.length, page: 1, pagelen: 100, values: rows }]
  }
  if (method === 'DELETE' && hookId) {
    const hook = state.hooks.get(decodeURIComponent(hookId))
    if (!hook || hook.subject !== subject)
      return [404, { type: 'error', error: { message: 'Webhook not found' } }]
    state.hooks.delete(hook.uuid)
    return [204]
  }
  return [405, { type: 'error', error: { message: 'Method not allowed' } }]
}

function postStatus(state: FakeState, fullName: string, sha: string, body: unknown): Answer {
  const input = body as {
    key?: string
    state?: string
    url?: string
    name?: string
    description?: string
  }
  if (
    !input?.key ||
    !input.url ||
    !['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'STOPPED'].includes(input.state ?? '')
  ) {
    return [400, { type: 'error', error: { message: 'key, state and url are required' } }]
  }
  const id = `${fullName}@${sha}`
  const statuses = state.statuses.get(id) ?? new Map()
  state.statuses.set(id, statuses)
  // a status with the same key is overwritten, as Bitbucket documents
  const uuid = statuses.get(input.key)?.uuid ?? `{${randomUUID()}}`
  const status = {
    uuid,
    key: input.key,
    state: input.state!,
    url: input.url,
    name: input.name,
    description: input.description,
  }
  statuses.set(input.key, status)
  state.statusLog.push(`${sha} ${input.key} ${input.state}`)
  return [
    201,
    {
      type: 'build',
      ...status,
      links: {
        self: {
          href: `https://api.bitbucket.org/2.0/repositories/${fullName}/commit/${sha}/statuses/build/${input.key}`,
        },
      },
    },
  ]
}
