import type { QueueInstrumentation } from '@adonisjs/queue/otel'
import { telemetryEnabled } from '#services/telemetry/settings'

/**
 * OpenTelemetry (read by otel.ts before the application loads, so only
 * process.env here, never #start/env). Everything comes from the standard
 * variables: OTEL_EXPORTER_OTLP_ENDPOINT turns it on; the protocol,
 * headers, sampler (OTEL_TRACES_SAMPLER/_ARG) and metrics exporter
 * (OTEL_METRICS_EXPORTER) are read by the SDK itself.
 *
 * With telemetry off, nothing of OpenTelemetry is imported (its SDK and
 * auto-instrumentations are ~1,400 modules, issue #24): the provider and
 * the route middleware are not registered either (adonisrc.ts, start/kernel.ts).
 */
const env = process.env
const enabled = telemetryEnabled(env)

/** set when telemetry is on; otel.ts registers it with the queue */
export let queueInstrumentation: QueueInstrumentation | undefined

async function telemetryConfig() {
  const { defineConfig } = await import('@adonisjs/otel')
  const { QueueInstrumentation: Instrumentation } = await import('@adonisjs/queue/otel')
  const { spanProcessorsFromEnv } = await import('#services/telemetry/exporters')
  queueInstrumentation = new Instrumentation({
    // a job's spans join the trace of the request or command that queued it
    executionSpanLinkMode: 'parent',
  })
  return defineConfig({
    enabled,
    serviceName: env.OTEL_SERVICE_NAME || env.APP_NAME || 'sextant',
    serviceVersion: env.APP_VERSION,
    environment: env.APP_ENV || env.NODE_ENV,
    spanProcessors: await spanProcessorsFromEnv(env),
    // logs stay on stdout (with trace_id and span_id); only traces and metrics are exported
    logRecordProcessors: [],
    // user e-mails are personal data: spans carry no user attributes
    userContext: false,
    instrumentations: {
      '@opentelemetry/instrumentation-pino': { disableLogSending: true },
      '@opentelemetry/instrumentation-fs': { enabled: false },
      '@opentelemetry/instrumentation-http': {
        ignoredUrls: ['/up', '/health/*', '/assets/*'],
      },
      '@boringnode/queue': queueInstrumentation,
    },
  })
}

export default enabled ? await telemetryConfig() : { enabled: false }
