import { indexEntities } from '@adonisjs/core'
import { defineConfig } from '@adonisjs/core/app'
import { telemetryEnabled } from './app/services/telemetry/settings.js'

export default defineConfig({
  experimental: {},

  /**
   * Outside production a process whose router is committed writes the
   * route types (routes.d.ts, routes.json) into the generated-server
   * folder. A test process (the runner, or a server a test starts) loads
   * the fixture plugins, so its copy goes to tmp/: the committed
   * .adonisjs/server keeps the application's routes only.
   */
  directories:
    process.env.NODE_ENV === 'test' ? { generatedServer: 'tmp/test-generated/server' } : {},

  /**
   * Ace commands shipped by packages. The project's own commands are
   * scanned from "./commands".
   */
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/session/commands'),
    () => import('@adonisjs/queue/commands'),
    () => import('@adonisjs/cache/commands'),
    () => import('#services/plugins/commands_loader'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    // its middleware built once, not per page (see the file)
    () => import('#providers/shield_once_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/bouncer/bouncer_provider'),
    () => import('@adonisjs/mail/mail_provider'),
    () => import('@adonisjs/lock/lock_provider'),
    () => import('@adonisjs/queue/queue_provider'),
    () => import('@adonisjs/drive/drive_provider'),
    () => import('@adonisjs/cache/cache_provider'),
    () => import('@adonisjs/ally/ally_provider'),
    () => import('#providers/plugins_provider'),
    // OpenTelemetry's provider (and the ~1,400 modules behind it) only when
    // telemetry is on: otel.ts has processed the .env files by now
    ...(telemetryEnabled(process.env) ? [() => import('@adonisjs/otel/otel_provider')] : []),
  ],

  /**
   * Modules imported before the application starts. "migrate_on_boot"
   * runs only for the HTTP server so that ace commands (migration:run
   * itself, for one) never migrate behind the operator's back.
   */
  preloads: [
    { file: () => import('#start/query_count'), environment: ['web'] },
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/view'),
    () => import('#start/validator'),
    () => import('#start/limiter'),
    () => import('#start/shutdown'),
    () => import('#start/sync_queue'),
    { file: () => import('#start/telemetry'), environment: ['console'] },
    { file: () => import('#start/migrate_on_boot'), environment: ['web'] },
    { file: () => import('#start/background'), environment: ['web'] },
  ],

  tests: {
    suites: [
      { name: 'unit', files: ['tests/unit/**/*.spec.ts'], timeout: 10_000 },
      { name: 'functional', files: ['tests/functional/**/*.spec.ts'], timeout: 60_000 },
      {
        name: 'plugins',
        // a plugin's browser tests (tests/browser) run in the browser suite
        files: [
          'plugins/*/tests/*.spec.ts',
          'plugins/*/tests/!(browser)/**/*.spec.ts',
          'tests/fixtures/plugins/*/tests/**/*.spec.ts',
        ],
        timeout: 60_000,
      },
      {
        // 2 web processes, 2 workers, 2 schedulers on PostgreSQL + Redis
        // whatever DB_CONNECTION is: "npm test" runs it, "npm run test:db" does not
        name: 'scale',
        files: ['tests/scale/**/*.spec.ts'],
        timeout: 300_000,
      },
      {
        name: 'browser',
        files: ['tests/browser/**/*.spec.ts', 'plugins/*/tests/browser/**/*.spec.ts'],
        timeout: 120_000,
      },
    ],
    forceExit: true,
  },

  /**
   * Files copied next to the compiled JavaScript by "node ace build".
   */
  metaFiles: [
    { pattern: 'resources/views/**/*.edge', reloadServer: false },
    { pattern: 'resources/css/**', reloadServer: false },
    { pattern: 'resources/js/**', reloadServer: false },
    { pattern: 'public/**', reloadServer: false },
    { pattern: 'plugins/**/views/**/*.edge', reloadServer: false },
    { pattern: 'database/data/**', reloadServer: false },
  ],

  hooks: {
    init: [indexEntities()],
  },
})
