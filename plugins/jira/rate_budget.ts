import { setTimeout as sleep } from 'node:timers/promises'
import { RateLimitedError } from '#plugin-sdk'

/**
 * Jira Cloud's cost-based rate limits, read from every response so the
 * sync slows down before Jira refuses it, rather than after:
 *
 * - the **points quota** (per hour, per app and site): each request costs
 *   points by the objects it touches; `RateLimit` (or, while Atlassian
 *   announced it, `Beta-RateLimit`) says `"<policy>";r=<points left>;t=<seconds to the reset>`.
 *   When what is left would not pay for another request like the last one,
 *   no request is sent until the reset;
 * - `X-RateLimit-NearLimit: true` (or `X-Beta-RateLimit-NearLimit`): less
 *   than a fifth of a budget is left, so requests are spaced out;
 * - `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset` (an ISO 8601
 *   moment): nothing is sent before that moment.
 *
 * A 429 itself is waited out by the platform's HTTP client (Retry-After).
 * The sync sends one request at a time, so it never runs more than one
 * request against the budget. A wait longer than the run may sleep ends
 * the run with RateLimitedError: its cursor is kept and the next run goes on.
 */

const RESET_MARGIN_MS = 250

export type BudgetOptions = {
  /** the gap between two requests while a budget is near its limit */
  nearLimitIntervalMs: number
  /** the longest wait before giving up the run */
  maxWaitMs: number
}

/** `"tenant-app-quota";r=17842;t=2107` → its r and t */
function quotaOf(value: string | undefined) {
  if (!value) return null
  const remaining = /(?:^|;)\s*r=(\d+)/.exec(value)?.[1]
  const seconds = /(?:^|;)\s*t=(\d+)/.exec(value)?.[1]
  if (remaining === undefined) return null
  return {
    remaining: Number(remaining),
    resetInMs: seconds === undefined ? null : Number(seconds) * 1000,
  }
}

function resetMoment(value: string | undefined): number | null {
  if (!value) return null
  const at = Date.parse(value.trim())
  return Number.isNaN(at) ? null : at
}

export class JiraRateBudget {
  /** no request leaves before this moment (epoch ms) */
  #resumeAt = 0
  #intervalMs = 0
  #lastSentAt = 0
  #lastRemaining: number | null = null
  #lastCost = 1
  /** how often, and how long in all, requests were held back */
  readonly stats = { waits: 0, waitedMs: 0 }

  constructor(private readonly options: BudgetOptions) {}

  /** waits until the budget allows the next request */
  async beforeRequest(signal?: AbortSignal) {
    const now = Date.now()
    const at = Math.max(this.#resumeAt, this.#lastSentAt + this.#intervalMs)
    const waitMs = at - now
    if (waitMs > this.options.maxWaitMs) {
      throw new RateLimitedError(
        `Jira's rate-limit budget is spent until ${new Date(at).toISOString()}`,
        new Date(at)
      )
    }
    if (waitMs > 0) {
      this.stats.waits += 1
      this.stats.waitedMs += waitMs
      await sleep(waitMs, undefined, { signal })
    }
    this.#lastSentAt = Date.now()
  }

  /** what a response said of the budgets */
  observe(headers: Record<string, string>, now = Date.now()) {
    const near = headers['x-ratelimit-nearlimit'] ?? headers['x-beta-ratelimit-nearlimit']
    this.#intervalMs = near?.trim().toLowerCase() === 'true' ? this.options.nearLimitIntervalMs : 0

    const quota = quotaOf(headers['ratelimit'] ?? headers['beta-ratelimit'])
    if (quota) {
      if (this.#lastRemaining !== null && quota.remaining < this.#lastRemaining) {
        this.#lastCost = this.#lastRemaining - quota.remaining
      }
      this.#lastRemaining = quota.remaining
      if (quota.remaining < this.#lastCost && quota.resetInMs !== null) {
        this.#holdUntil(now + quota.resetInMs + RESET_MARGIN_MS)
        // a new window starts full: the next answer tells what is left
        this.#lastRemaining = null
      }
    }

    const remaining = headers['x-ratelimit-remaining']
    const reset = resetMoment(headers['x-ratelimit-reset'] ?? headers['x-beta-ratelimit-reset'])
    if (remaining !== undefined && Number(remaining) === 0 && reset !== null) {
      this.#holdUntil(reset + RESET_MARGIN_MS)
    }
  }

  #holdUntil(moment: number) {
    if (moment > this.#resumeAt) this.#resumeAt = moment
  }
}

/** one budget per site (Jira counts points per app and site), shared by a process's runs */
const budgets = new Map<string, JiraRateBudget>()

export function budgetFor(site: string, options: BudgetOptions) {
  let budget = budgets.get(site)
  if (!budget) {
    budget = new JiraRateBudget(options)
    budgets.set(site, budget)
  }
  return budget
}
