/*
|--------------------------------------------------------------------------
| Start-up tasks of the HTTP server
|--------------------------------------------------------------------------
|
| With MIGRATE_ON_BOOT=true (the default of "npm start") pending
| migrations are applied before the server listens; if they fail the
| server does not start. With SEED_DEMO_ON_BOOT=true an empty database
| receives the demo organisation.
|
*/
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { migrateUnderLock } from '#services/migrator'
import PopulateDevData, { DEMO_USER } from '#actions/demo/populate_dev_data'
import User from '#models/user'
import { plural } from '#services/plural'

if (env.get('MIGRATE_ON_BOOT', false)) {
  try {
    const { applied, waitedForLock } = await migrateUnderLock()
    if (applied.length) {
      // One line at start-up; the file names only when debugging.
      logger.debug({ applied }, 'migrations applied')
      logger.info(`migrations: applied ${plural(applied.length, 'migration')}`)
    } else {
      logger.info({ waitedForLock }, 'migrations: database already up to date')
    }
  } catch (error) {
    logger.fatal({ err: error }, 'migrations failed; the server will not start')
    process.stderr.write(`Migrations failed: ${(error as Error).message}\n`)
    process.exit(1)
  }
}

if (env.get('SEED_DEMO_ON_BOOT', false)) {
  const result = await new PopulateDevData().execute({ onlyIfEmpty: true })
  if (result.created) logger.info(`demo data: created organisation "${result.organization?.name}"`)
  // In development the demo account may open the admin area; never in production.
  if (result.created && !app.inProduction) {
    await User.query().where('email', DEMO_USER.email).update({ is_superuser: true })
  }
}

app.ready(async () => {
  if (process.env.SEXTANT_BANNER !== 'true') return
  const { appUrl } = await import('#config/app')
  const { default: sextantConfig } = await import('#config/sextant')
  const adminUrl = new URL(sextantConfig.auth.adminPath, appUrl).toString()
  process.stdout.write(
    [
      '',
      `  Sextant is running at ${appUrl}`,
      ...(app.inProduction
        ? []
        : [
            `  Demo sign-in: ${DEMO_USER.email} / ${DEMO_USER.password}`,
            `  Admin area (superusers, the demo account in development): ${adminUrl}/users`,
            '  (at first sign-in you set up an authenticator app: two-factor authentication is mandatory)',
          ]),
      '  Stop with Ctrl+C.',
      '',
      '',
    ].join('\n')
  )
})
