/*
|--------------------------------------------------------------------------
| HTTP server entrypoint
|--------------------------------------------------------------------------
*/
// OpenTelemetry first, so its hooks see every module (off unless configured)
await import('../otel.js')
await import('reflect-metadata')
const { Ignitor, prettyPrintError } = await import('@adonisjs/core')
const { createHttpServer } = await import('#exceptions/http_server')

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

/**
 * Graceful shutdown: the server stops accepting connections and lets the
 * requests in flight finish (the framework's terminate); the worker and
 * scheduler running in this process finish their jobs. Past the deadline
 * (SHUTDOWN_TIMEOUT_MS, 30 s by default) the process exits anyway, with
 * code 1, so a stuck client cannot hold a deployment forever.
 */
function terminateWithin(app: { terminate(): Promise<void> }) {
  const deadline = Number(process.env.SHUTDOWN_TIMEOUT_MS) || 30_000
  const timer = setTimeout(() => {
    process.stderr.write(
      `Shutdown: requests were still running after ${deadline} ms (SHUTDOWN_TIMEOUT_MS); exiting\n`
    )
    process.exit(1)
  }, deadline)
  timer.unref()
  return app.terminate()
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.listen('SIGTERM', () => terminateWithin(app))
    app.listenIf(app.managedByPm2, 'SIGINT', () => terminateWithin(app))
  })
  .httpServer()
  .start(createHttpServer)
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
