/*
|--------------------------------------------------------------------------
| Test runner entrypoint
|--------------------------------------------------------------------------
*/
process.env.NODE_ENV = 'test'

import 'reflect-metadata'
import { isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { configure, processCLIArgs, run } from '@japa/runner'

const APP_ROOT = new URL('../', import.meta.url)

/**
 * The tests of plugins in PLUGINS_EXTRA_PATHS folders inside the project
 * (a scratch folder of generated plugins) belong to the "plugins" suite
 * too, beside plugins/*\/tests.
 */
function withExtraPluginTests<Suite extends { name: string; files: string | string[] }>(
  suites: Suite[]
): Suite[] {
  const root = fileURLToPath(APP_ROOT)
  const extra = (process.env.PLUGINS_EXTRA_PATHS ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean)
    .map((path) => relative(root, resolve(root, path)).replaceAll('\\', '/'))
    .filter((path) => path !== '' && !path.startsWith('..') && !isAbsolute(path))
  if (extra.length === 0) return suites
  return suites.map((suite) =>
    suite.name !== 'plugins'
      ? suite
      : {
          ...suite,
          files: [...[suite.files].flat(), ...extra.map((path) => `${path}/*/tests/*.spec.ts`)],
        }
  )
}

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      const { default: env } = await import('#start/env')
      // SMTP and S3 on ports the OS picks, before the config reads them.
      const { startLoopbackServices } = await import('#tests/helpers/loopback_services')
      await startLoopbackServices(env)
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
  })
  .testRunner()
  .configure(async (app) => {
    const { runnerHooks, ...config } = await import('../tests/bootstrap.js')

    processCLIArgs(process.argv.splice(2))
    configure({
      ...app.rcFile.tests,
      suites: withExtraPluginTests(app.rcFile.tests.suites),
      ...config,
      ...{
        setup: runnerHooks.setup,
        teardown: runnerHooks.teardown.concat([() => app.terminate()]),
      },
    })
  })
  .run(() => run())
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
