/**
 * OpenTelemetry starts here, imported first by bin/server.ts and
 * bin/console.ts, so its import hooks see every module the application
 * loads (HTTP, knex, undici, pino, the queue). With no OTLP endpoint
 * configured nothing else is loaded: no hook, no SDK, no network.
 */
import { EnvProcessor } from '@adonisjs/core/env'
import { telemetryEnabled } from './app/services/telemetry/settings.js'

// The .env files may hold the OTEL_* variables; the app reads them again later.
await new EnvProcessor(new URL('./', import.meta.url)).process()

if (telemetryEnabled(process.env)) {
  // the stable HTTP conventions: http.server.request.duration, url.path, url.query
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN ??= 'http'
  const { init } = await import('@adonisjs/otel/init')
  await init(import.meta.dirname)
  const { queueInstrumentation } = await import('./config/otel.js')
  const { QueueManager } = await import('@adonisjs/queue')
  queueInstrumentation?.manuallyRegister({ QueueManager })
}
