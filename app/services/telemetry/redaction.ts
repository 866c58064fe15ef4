import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'

/**
 * No secret ever leaves the process in a span. Instrumentations record
 * URLs (with their query strings), and a developer may one day attach a
 * header or a token as an attribute; this processor runs before the
 * exporter sees a span and blanks them.
 */
export const REDACTED = '[redacted]'

/** attribute names whose value is a secret whatever it holds */
const SECRET_NAME =
  /authorization|cookie|token|secret|password|passwd|api[-_.]?key|private[-_.]?key|credential|signature|session|x-hub-signature|user\.email/i

/** a value that is itself a credential (an Authorization header's shape) */
const SECRET_VALUE = /^(bearer|basic|token|digest)\s+\S+/i

/**
 * Query strings carry tokens (?access_token=, signed URLs): every value
 * is blanked, the parameter names stay for debugging.
 */
export function redactQuery(value: string) {
  const queryStart = value.indexOf('?')
  if (queryStart === -1) return value
  const hashStart = value.indexOf('#', queryStart)
  const query = value.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart)
  const blanked = query
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0]
      return pair.includes('=') ? `${name}=${REDACTED}` : name
    })
    .join('&')
  return `${value.slice(0, queryStart)}?${blanked}`
}

/** user:password@ in a URL */
function redactUserInfo(value: string) {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, `$1${REDACTED}@`)
}

export function redactAttribute(name: string, value: unknown): unknown {
  if (SECRET_NAME.test(name)) return REDACTED
  if (Array.isArray(value)) return value.map((item) => redactAttribute(name, item))
  if (typeof value !== 'string') return value
  if (SECRET_VALUE.test(value.trim())) return REDACTED
  // url.query and the like hold the query string without its "?"
  if (/(^|[._])query$/i.test(name)) return redactQuery(`?${value.replace(/^\?/, '')}`).slice(1)
  let cleaned = value
  if (/url|target|path|uri|link/i.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    cleaned = redactUserInfo(redactQuery(cleaned))
  }
  return cleaned
}

export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context) {}

  /** called while the span can still be written, before any exporter's onEnd */
  onEnding(span: Span) {
    for (const [name, value] of Object.entries(span.attributes)) {
      const cleaned = redactAttribute(name, value)
      if (cleaned !== value) span.setAttribute(name, cleaned as string)
    }
    if (span.name.includes('?')) span.updateName(redactQuery(span.name))
  }

  onEnd(_span: ReadableSpan) {}

  async forceFlush() {}

  async shutdown() {}
}
