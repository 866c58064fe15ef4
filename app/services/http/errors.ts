/**
 * The provider answered with an error status (or, with status 0, could
 * not be reached at all). `body` holds the first 500 characters of the
 * answer with every known secret redacted, so it is safe to log and to
 * show on a sync run's page.
 */
export class HttpError extends Error {
  readonly status: number
  readonly url: string
  readonly body: string

  constructor(message: string, details: { status: number; url: string; body?: string }) {
    super(message)
    this.name = 'HttpError'
    this.status = details.status
    this.url = details.url
    this.body = details.body ?? ''
  }
}

/**
 * The provider's rate limit resets later than the client is willing to
 * wait; the sync should stop and resume after `resetAt`.
 */
export class RateLimitedError extends Error {
  readonly resetAt: Date

  constructor(message: string, resetAt: Date) {
    super(message)
    this.name = 'RateLimitedError'
    this.resetAt = resetAt
  }
}

/**
 * The client has made as many requests as it was allowed; raised before
 * sending, so the budget is never exceeded.
 */
export class BudgetExhaustedError extends Error {
  readonly budget: number

  constructor(budget: number) {
    super(`The request budget of ${budget} requests is exhausted`)
    this.name = 'BudgetExhaustedError'
    this.budget = budget
  }
}

/**
 * Every attempt of a request ran past its per-attempt timeout.
 */
export class HttpTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HttpTimeoutError'
  }
}
