import { randomUUID } from 'node:crypto'

/**
 * Commit build statuses as Bitbucket Cloud documents them
 * (POST /repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build):
 * keyed by `key` per commit, so posting the same key again overwrites the
 * status instead of adding another; `state` is INPROGRESS, SUCCESSFUL,
 * FAILED or STOPPED; `key` and `state` are required (400 otherwise).
 * Served by the fake provider under /repos/{name}/commit/{sha}/statuses/build.
 */
export const BUILD_STATES = ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'STOPPED'] as const

export type FakeBuildStatus = {
  uuid: string
  repository: string
  commit: string
  key: string
  state: (typeof BUILD_STATES)[number]
  name: string | null
  description: string | null
  url: string | null
  created_on: string
  updated_on: string
  /** every state it was posted with, in order */
  history: string[]
}

export type FakeBuildStatuses = {
  statuses: FakeBuildStatus[]
  /** the next N posts are answered 502 */
  failures: number
}

export const BUILD_STATUS_PATH = /^\/repos\/([^/]+)\/commit\/([0-9a-f]{7,64})\/statuses\/build\/?$/

type Answer = { status: number; body: unknown }

function shape(status: FakeBuildStatus, base: string) {
  const { history, repository, commit, ...rest } = status
  return {
    type: 'build',
    ...rest,
    links: {
      self: { href: `${base}/repos/${repository}/commit/${commit}/statuses/build/${status.key}` },
      commit: { href: `${base}/repos/${repository}/commit/${commit}` },
    },
  }
}

export function postBuildStatus(
  store: FakeBuildStatuses,
  base: string,
  repository: string,
  commit: string,
  body: unknown
): Answer {
  if (store.failures > 0) {
    store.failures -= 1
    return { status: 502, body: { type: 'error', error: { message: 'Bad Gateway' } } }
  }
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const missing = ['key', 'state'].filter((field) => typeof input[field] !== 'string')
  if (missing.length > 0) {
    return {
      status: 400,
      body: { type: 'error', error: { message: `${missing.join(', ')}: required` } },
    }
  }
  if (!BUILD_STATES.includes(input.state as FakeBuildStatus['state'])) {
    return { status: 400, body: { type: 'error', error: { message: 'state: invalid' } } }
  }
  const now = new Date().toISOString()
  const text = (value: unknown) => (typeof value === 'string' ? value : null)
  let status = store.statuses.find(
    (candidate) =>
      candidate.repository === repository &&
      candidate.commit === commit &&
      candidate.key === input.key
  )
  const created = !status
  if (!status) {
    status = {
      uuid: `{${randomUUID()}}`,
      repository,
      commit,
      key: input.key as string,
      state: input.state as FakeBuildStatus['state'],
      name: null,
      description: null,
      url: null,
      created_on: now,
      updated_on: now,
      history: [],
    }
    store.statuses.push(status)
  }
  status.state = input.state as FakeBuildStatus['state']
  status.name = text(input.name) ?? status.name
  status.description = text(input.description) ?? status.description
  status.url = text(input.url) ?? status.url
  status.updated_on = now
  status.history.push(status.state)
  return { status: created ? 201 : 200, body: shape(status, base) }
}
