export type RateLimitState = {
  limit: number | null
  remaining: number | null
  resetAt: Date | null
}

/**
 * Epoch seconds are ten digits today; a smaller number is a delay. GitHub
 * sends `x-ratelimit-reset` as epoch seconds, GitLab `ratelimit-reset`
 * as epoch seconds too, while the IETF draft's `ratelimit-reset` counts
 * seconds from now, so the value itself tells which one was meant.
 */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000

/**
 * Resets are announced to the second and provider clocks drift from ours;
 * waiting a little past the announced moment avoids being refused again
 * right at the boundary.
 */
const RESET_MARGIN_MS = 1000

/**
 * The rate-limit window a response announces, from GitHub-style
 * `x-ratelimit-*` or IETF/GitLab-style `ratelimit-*` headers; null when
 * it announces none.
 */
export function readRateLimit(
  headers: Record<string, string>,
  now = Date.now()
): RateLimitState | null {
  const limit = leadingInteger(headers['x-ratelimit-limit'] ?? headers['ratelimit-limit'])
  const remaining = leadingInteger(
    headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining']
  )
  const resetAt = resetHeader(headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'], now)
  if (limit === null && remaining === null && resetAt === null) return null
  return { limit, remaining, resetAt }
}

/**
 * Updates the running rate-limit state with what a response announced;
 * a header the response left out keeps its last known value.
 */
export function recordRateLimit(state: RateLimitState, headers: Record<string, string>) {
  const announced = readRateLimit(headers)
  if (!announced) return
  state.limit = announced.limit ?? state.limit
  state.remaining = announced.remaining ?? state.remaining
  state.resetAt = announced.resetAt ?? state.resetAt
}

/**
 * Whether the provider refused the request because of its rate limit:
 * 429, or GitHub's 403 with no requests remaining or with a Retry-After
 * (its "secondary" limit).
 */
export function isRateLimited(status: number, headers: Record<string, string>): boolean {
  if (status === 429) return true
  if (status !== 403) return false
  const remaining = headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining']
  return leadingInteger(remaining) === 0 || headers['retry-after'] !== undefined
}

/**
 * How long to wait before trying again, from Retry-After (seconds or an
 * HTTP date) or else from the announced reset; null when the response
 * says neither.
 */
export function rateLimitWaitMs(headers: Record<string, string>, now = Date.now()): number | null {
  const retryAfter = retryAfterMs(headers['retry-after'], now)
  if (retryAfter !== null) return retryAfter
  const resetAt = readRateLimit(headers, now)?.resetAt
  return resetAt ? untilReset(resetAt, now) : null
}

/**
 * Milliseconds until an announced reset has surely passed (zero when it
 * already has).
 */
export function untilReset(resetAt: Date, now = Date.now()): number {
  const remainingMs = resetAt.getTime() - now
  return remainingMs > 0 ? remainingMs + RESET_MARGIN_MS : 0
}

/**
 * Retry-After in milliseconds: either delta seconds or an HTTP date.
 */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * Exponential backoff with full jitter: a random delay between zero and
 * base * 2^(attempt - 1), capped. The randomness keeps many workers that
 * failed together from retrying together.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(Math.random() * ceiling)
}

/**
 * A reset header: epoch seconds or seconds from now, or (Jira Cloud) an
 * ISO 8601 moment such as 2026-03-26T16:00Z, which must not be read as
 * 2026 seconds.
 */
function resetHeader(value: string | undefined, now: number): Date | null {
  if (value === undefined) return null
  if (/^\s*\d{4}-\d{2}-\d{2}T/.test(value)) {
    const moment = Date.parse(value.trim())
    return Number.isNaN(moment) ? null : new Date(moment)
  }
  const seconds = leadingInteger(value)
  return seconds === null ? null : resetMoment(seconds, now)
}

function resetMoment(value: number, now: number): Date {
  return value >= EPOCH_SECONDS_THRESHOLD ? new Date(value * 1000) : new Date(now + value * 1000)
}

/**
 * The integer a header starts with; IETF draft headers may append
 * parameters ("100, 100;w=60").
 */
function leadingInteger(value: string | undefined): number | null {
  if (value === undefined) return null
  const match = /^\s*(\d+)/.exec(value)
  return match ? Number(match[1]) : null
}
