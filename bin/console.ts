/*
|--------------------------------------------------------------------------
| Ace entrypoint
|--------------------------------------------------------------------------
|
| Commands do not boot the application unless they set "startApp".
|
*/
await import('reflect-metadata')
const { Ignitor, prettyPrintError } = await import('@adonisjs/core')

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
  })
  .ace()
  .configure(async (app) => {
    // A command that reads the database before the first start (or
    // migration) would print a stack trace about a missing table: say
    // what to do instead, in one line, and exit with 1.
    const ace = await app.container.make('ace')
    const fallback = ace.errorHandler
    const { DATABASE_NOT_SET_UP, isDatabaseNotSetUp } = await import('#services/command_errors')
    ace.errorHandler = {
      async render(error, kernel) {
        if (!isDatabaseNotSetUp(error)) return fallback.render(error, kernel)
        process.stderr.write(
          `${DATABASE_NOT_SET_UP[0].toUpperCase()}${DATABASE_NOT_SET_UP.slice(1)}.\n`
        )
      },
    }
  })
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
