import env from '#start/env'
import { Exception } from '@adonisjs/core/exceptions'
import limiter from '@adonisjs/limiter/services/main'

/**
 * Rate limits of the token API and the webhook receivers.
 *
 * Token routes are counted per token and per organisation, in fixed
 * windows of one minute, in the limiter's shared store (database or
 * Redis), so every web process counts against the same budget. Each
 * answer advertises the policies and what is left of them with the
 * `RateLimit-Policy` and `RateLimit` fields of the IETF httpapi draft
 * (draft-ietf-httpapi-ratelimit-headers): structured-field lists of
 * `"name";q=<quota>;w=<window seconds>` and `"name";r=<remaining>;t=<seconds to reset>`.
 *
 * Webhook receivers are counted per source plugin, so one provider's
 * flood is refused before it is stored and cannot crowd out the others
 * or the pages.
 */

export const RATE_LIMIT_WINDOW_SECONDS = 60

export type ApiRateLimitGroup = {
  /** shown in the policy name, e.g. "token", "assistant-token" */
  name: string
  perToken: number
  perOrganization: number
}

export type RateLimitPolicyUse = {
  policy: string
  quota: number
  remaining: number
  resetInSeconds: number
}

export class RateLimitedException extends Exception {
  static status = 429
  static code = 'E_TOO_MANY_REQUESTS'
}

/**
 * The limits of a token route. Route groups with their own limits are
 * chosen by route name: the assistant endpoints (the glasses call them
 * for every spoken question) and uploads have tighter budgets than reads.
 */
export function apiRateLimitGroup(routeName: string | undefined): ApiRateLimitGroup {
  const perToken = bounded(env.get('API_RATE_LIMIT_PER_TOKEN'), 300)
  const perOrganization = bounded(env.get('API_RATE_LIMIT_PER_ORGANIZATION'), 1200)
  const name = routeName ?? ''
  if (name.startsWith('plugins.noa.')) {
    return {
      name: 'assistant',
      perToken: bounded(env.get('API_RATE_LIMIT_ASSISTANT_PER_TOKEN'), 60),
      perOrganization,
    }
  }
  if (name === 'api.documents.store' || name === 'api.documents.legacy.store') {
    return {
      name: 'uploads',
      perToken: bounded(env.get('API_RATE_LIMIT_UPLOADS_PER_TOKEN'), 30),
      perOrganization,
    }
  }
  return { name: 'api', perToken, perOrganization }
}

/**
 * Counts one request against a policy. Refusals carry the Retry-After
 * the caller must send; the count of a refused request is kept, so a
 * client that keeps hammering stays refused until the window ends.
 */
export async function consumeRateLimit(input: {
  policy: string
  key: string
  quota: number
}): Promise<RateLimitPolicyUse & { allowed: boolean }> {
  const counter = limiter.use({
    requests: input.quota,
    duration: RATE_LIMIT_WINDOW_SECONDS,
  })
  const response = await counter.increment(input.key)
  const resetInSeconds = Math.max(1, Math.ceil(response.availableIn))
  return {
    policy: input.policy,
    quota: input.quota,
    remaining: Math.max(0, input.quota - response.consumed),
    resetInSeconds,
    allowed: response.consumed <= input.quota,
  }
}

/** the two header fields for the policies a request was counted against */
export function rateLimitHeaders(uses: RateLimitPolicyUse[]) {
  return {
    'RateLimit-Policy': uses
      .map((use) => `"${use.policy}";q=${use.quota};w=${RATE_LIMIT_WINDOW_SECONDS}`)
      .join(', '),
    'RateLimit': uses
      .map((use) => `"${use.policy}";r=${use.remaining};t=${use.resetInSeconds}`)
      .join(', '),
  }
}

/** the per-plugin budget of webhook deliveries a minute */
export function webhookRateLimit() {
  return bounded(env.get('WEBHOOK_RATE_LIMIT_PER_PLUGIN'), 6000)
}

function bounded(value: unknown, fallback: number) {
  const number = typeof value === 'number' ? value : Number(value)
  if (!Number.isInteger(number) || number < 1 || number > 1_000_000) return fallback
  return number
}

/** what one request has been counted against so far (token, then organisation) */
const countedAgainst = new WeakMap<object, RateLimitPolicyUse[]>()

/**
 * Counts a request against one more policy, sets the RateLimit fields for
 * every policy it was counted against, and refuses it with 429 and
 * Retry-After when this policy is spent. `subject` names what the budget
 * belongs to in the refusal ("this token", "this organisation", "github").
 */
export async function countRequest(
  request: object,
  response: { header(name: string, value: string | number): unknown },
  input: { policy: string; key: string; quota: number; subject: string }
) {
  const use = await consumeRateLimit(input)
  const uses = [...(countedAgainst.get(request) ?? []), use]
  countedAgainst.set(request, uses)
  for (const [name, value] of Object.entries(rateLimitHeaders(uses))) response.header(name, value)
  if (!use.allowed) {
    response.header('Retry-After', use.resetInSeconds)
    throw new RateLimitedException(
      `Too many requests for ${input.subject}: ${use.quota} a minute are allowed. Try again in ${use.resetInSeconds} s.`
    )
  }
}
