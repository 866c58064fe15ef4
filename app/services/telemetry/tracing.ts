import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api'

/**
 * Sextant's own spans (a sync run, a sync task, an ace command). With no
 * SDK started the OpenTelemetry API hands out no-op spans: the cost of
 * telemetry being off is one function call.
 */
const tracer = trace.getTracer('sextant')

export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span)
    } catch (error) {
      if (error instanceof Error) span.recordException(error)
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      })
      throw error
    } finally {
      span.end()
    }
  })
}

/** a point in time on the current span (a page of a sync, say) */
export function spanEvent(name: string, attributes?: Attributes) {
  trace.getActiveSpan()?.addEvent(name, attributes)
}

/** the trace the current code runs in, for log lines and error pages */
export function currentTraceId() {
  const context = trace.getActiveSpan()?.spanContext()
  return context && trace.isSpanContextValid(context) ? context.traceId : null
}
