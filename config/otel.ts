import { defineConfig } from '@adonisjs/otel'
import { QueueInstrumentation } from '@adonisjs/queue/otel'
import { spanProcessorsFromEnv } from '#services/telemetry/exporters'
import { telemetryEnabled } from '#services/telemetry/settings'

/**
 * OpenTelemetry (read by otel.ts before the application loads, so only
 * process.env here, never #start/env). Everything comes from the standard
 * variables: OTEL_EXPORTER_OTLP_ENDPOINT turns it on; the protocol,
 * headers, sampler (OTEL_TRACES_SAMPLER/_ARG) and metrics exporter
 * (OTEL_METRICS_EXPORTER) are read by the SDK itself.
 */
const env = process.env

export const queueInstrumentation = new QueueInstrumentation({
  // a job's spans join the trace of the request or command that queued it
  executionSpanLinkMode: 'parent',
})

export default defineConfig({
  enabled: telemetryEnabled(env),
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
