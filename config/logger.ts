import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets
 * must never reach a log line, even when a developer logs a whole
 * object by mistake.
 */
export const redactedPaths = [
  'password',
  'token',
  'secret',
  'apiKey',
  'api_key',
  'accessToken',
  'refreshToken',
  'privateKey',
  'credentials',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.accessToken',
  '*.refreshToken',
  '*.privateKey',
  '*.credentials',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
]

const pretty = env.get('LOG_PRETTY', app.inDev)

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: env.get('APP_NAME', 'sextant'),
      level: env.get('LOG_LEVEL', app.inTest ? 'warn' : 'info'),
      redact: { paths: redactedPaths, censor: '[redacted]' },
      // JSON lines go straight to stdout from this thread. A transport
      // (even one to fd 1) runs in a worker thread with its own V8 heap,
      // ~30 MiB of RSS in every process; only pretty printing needs one.
      ...(pretty ? { transport: { targets: [targets.pretty()] } } : {}),
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
