import { assert } from '@japa/assert'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { apiClient } from '@japa/api-client'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import { browserClient } from '@japa/browser-client'
import testUtils from '@adonisjs/core/services/test_utils'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { chromium } from 'playwright'
import { prepareTestDatabase } from '#tests/helpers/database'
import { stopLoopbackServices } from '#tests/helpers/loopback_services'

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser).
 * CHROMIUM_PATH overrides the location.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient(),
  sessionApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    launcher: (config) =>
      chromium.launch({
        ...config,
        executablePath: chromiumPath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
  }),
  sessionBrowserClient(app),
]

/**
 * The schema is migrated once per run; each group truncates what it
 * wrote (see tests/helpers/database.ts). The SMTP and S3 servers were
 * started before the application booted (bin/test.ts).
 */
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [() => prepareTestDatabase()],
  teardown: [() => stopLoopbackServices()],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional', 'plugins'].includes(suite.name)) {
    return suite.setup(async () => {
      const { createHttpServer } = await import('#exceptions/http_server')
      return testUtils.httpServer().start(createHttpServer)
    })
  }
}
