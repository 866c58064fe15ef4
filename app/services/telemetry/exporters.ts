import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { RedactingSpanProcessor } from '#services/telemetry/redaction'
import { tracesEnabled, tracesProtocol, type TelemetryEnv } from '#services/telemetry/settings'

/**
 * The OTLP trace exporter OTEL_EXPORTER_OTLP_PROTOCOL names. Each reads
 * its endpoint, headers, timeout and compression from the standard
 * OTEL_EXPORTER_OTLP_* variables itself.
 */
async function traceExporter(env: TelemetryEnv): Promise<SpanExporter> {
  const protocol = tracesProtocol(env)
  if (protocol === 'grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc')
    return new OTLPTraceExporter()
  }
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
    return new OTLPTraceExporter()
  }
  if (protocol !== 'http/protobuf') {
    process.stderr.write(
      `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not one of grpc, http/protobuf, http/json; using http/protobuf\n`
    )
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto')
  return new OTLPTraceExporter()
}

/**
 * Span processors in order: the redaction first (it runs while spans can
 * still be written), then the batching exporter. Empty when traces are off.
 */
export async function spanProcessorsFromEnv(env: TelemetryEnv) {
  if (!tracesEnabled(env)) return []
  return [new RedactingSpanProcessor(), new BatchSpanProcessor(await traceExporter(env))]
}
