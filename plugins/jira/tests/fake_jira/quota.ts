import type { Answer } from './http.js'

/**
 * Jira Cloud's points-based quota, as the fake keeps it: each request
 * costs 1 point plus one per object it returns (issues, changelog
 * entries, projects), within a window that refills whole. Every answer
 * says what is left (`RateLimit: "tenant-app-quota";r=…;t=…` with its
 * `RateLimit-Policy`), and `X-RateLimit-NearLimit: true` once less than
 * a fifth is left; a request made with nothing left is answered 429 with
 * `Retry-After`, `X-RateLimit-Reset` (ISO 8601) and `RateLimit-Reason`.
 */
export type Quota = {
  points: number
  windowMs: number
  windowStart: number
  used: number
  /** the 429s it answered */
  refusals: number
}

export function quota(points: number, windowMs: number): Quota {
  return { points, windowMs, windowStart: Date.now(), used: 0, refusals: 0 }
}

const POLICY = 'tenant-app-quota'

function roll(state: Quota, now: number) {
  if (now - state.windowStart >= state.windowMs) {
    state.windowStart = now
    state.used = 0
  }
}

/** the 429 for a request made with nothing left, or null when it may go on */
export function refused(state: Quota, now = Date.now()): Answer | null {
  roll(state, now)
  if (state.used < state.points) return null
  state.refusals += 1
  const resetAt = state.windowStart + state.windowMs
  return {
    status: 429,
    body: { errorMessages: ['Rate limit exceeded.'] },
    headers: {
      'retry-after': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
      // Jira writes the reset as yyyy-MM-ddTHH:mmZ
      'x-ratelimit-reset': new Date(resetAt).toISOString().slice(0, 16) + 'Z',
      'x-ratelimit-remaining': '0',
      'ratelimit-reason': 'jira-quota-tenant-based',
      'ratelimit': `"${POLICY}";r=0;t=${Math.ceil((resetAt - now) / 1000)}`,
    },
  }
}

function objectsIn(body: unknown): number {
  if (Array.isArray(body)) return body.length
  if (!body || typeof body !== 'object') return 0
  const { issues, values } = body as { issues?: unknown[]; values?: unknown[] }
  return (issues?.length ?? 0) + (values?.length ?? 0)
}

/** charges an answered request and adds the quota's headers to it */
export function charge(state: Quota, answer: Answer, now = Date.now()): Answer {
  state.used = Math.min(state.points, state.used + 1 + objectsIn(answer.body))
  const remaining = state.points - state.used
  const resetInSeconds = Math.max(0, Math.ceil((state.windowStart + state.windowMs - now) / 1000))
  return {
    ...answer,
    headers: {
      ...answer.headers,
      'ratelimit-policy': `"${POLICY}";q=${state.points};w=${Math.ceil(state.windowMs / 1000)}`,
      'ratelimit': `"${POLICY}";r=${remaining};t=${resetInSeconds}`,
      ...(remaining < state.points / 5 ? { 'x-ratelimit-nearlimit': 'true' } : {}),
    },
  }
}
