/*
|--------------------------------------------------------------------------
| Ace entrypoint
|--------------------------------------------------------------------------
|
| Commands do not boot the application unless they set "startApp".
|
*/
// OpenTelemetry first, so its hooks see every module (off unless configured)
await import('../otel.js')
await import('reflect-metadata')
const { Ignitor, prettyPrintError } = await import('@adonisjs/core')

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

const argv = process.argv.splice(2)

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
    const kernel = await app.container.make('ace')
    const { HelpCommand, errors: aceErrors } = await import('@adonisjs/core/ace')
    const { checkBooleanFlags, checkNumberFlags } = await import('#validators/cli')
    /**
     * A refusal is one line and exit 1; the stack trace of an expected
     * failure only hides the message an operator needs.
     */
    const frameworkRender = kernel.errorHandler.render.bind(kernel.errorHandler)
    const { DATABASE_NOT_SET_UP, isDatabaseNotSetUp } = await import('#services/command_errors')
    kernel.errorHandler.render = async (error, $kernel) => {
      // A command that reads the database before the first start (or
      // migration) would print a stack trace about a missing table: say
      // what to do instead, in one line.
      if (isDatabaseNotSetUp(error)) {
        process.stderr.write(
          `${DATABASE_NOT_SET_UP[0].toUpperCase()}${DATABASE_NOT_SET_UP.slice(1)}.\n`
        )
        return
      }
      const code = (error as { code?: unknown } | null)?.code
      const aceOwn = typeof code === 'string' && Object.hasOwn(aceErrors, code)
      if (aceOwn || !(error instanceof Error)) return frameworkRender(error, $kernel)
      $kernel.ui.logger.logError(`${$kernel.ui.colors.red('error')} ${error.message}`)
    }
    /**
     * Every command's number and boolean flags are checked before it runs
     * (see app/validators/cli.ts).
     */
    kernel.executing((command) => {
      checkNumberFlags(command)
      checkBooleanFlags(command, argv)
    })
    /**
     * "node ace <command> --help" always shows the help and exits 0. Ace
     * checks the command's required arguments even after the help flag
     * asked it to stop, so a command with arguments would print its help
     * and then fail with "Missing required argument": fill the arguments
     * it will never use.
     */
    kernel.on('help', async (command, $kernel, parsed) => {
      parsed.args.unshift(command.commandName)
      await new HelpCommand($kernel, parsed, kernel.ui, kernel.prompt).exec()
      command.args.forEach((_, index) => (parsed.args[index] ??= 'help'))
      return $kernel.shortcircuit()
    })
  })
  .handle(argv)
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
