/*
|--------------------------------------------------------------------------
| "npm start": Sextant on a fresh machine in one command
|--------------------------------------------------------------------------
|
| Creates .env with a fresh APP_KEY on first run, then starts the HTTP
| server from the TypeScript sources with migrations applied at boot and
| the demo organisation created when the database is empty. Production
| runs the compiled build instead (see README).
|
*/
// Checked before anything else: older Node.js fails later with a cryptic
// ERR_UNKNOWN_FILE_EXTENSION ".ts".
const [nodeMajor] = process.versions.node.split('.').map(Number)
if (nodeMajor < 24) {
  process.stderr.write(`Sextant needs Node.js 24 or newer (found ${process.versions.node}).\n`)
  process.exit(1)
}

const { randomBytes } = await import('node:crypto')
const { existsSync, readFileSync, writeFileSync } = await import('node:fs')

const root = new URL('../', import.meta.url)
const envFile = new URL('.env', root)

if (!existsSync(envFile)) {
  const template = readFileSync(new URL('.env.example', root), 'utf8')
  const contents = template
    .replace(/^APP_KEY=.*$/m, `APP_KEY=${randomBytes(32).toString('base64url')}`)
    .replace(/^SECRETS_ENCRYPTION_KEYS=.*$/m, `SECRETS_ENCRYPTION_KEYS=${randomBytes(32).toString('base64url')}`)
    .replace(/^PUBLIC_ID_SECRET=.*$/m, `PUBLIC_ID_SECRET=${randomBytes(24).toString('base64url')}`)
    // An admin path of its own, so the demo account's admin link works at once.
    .replace(/^# ADMIN_PATH=.*$/m, `ADMIN_PATH=/admin-${randomBytes(6).toString('hex')}`)
  writeFileSync(envFile, contents, { mode: 0o600 })
  process.stdout.write(
    'Created .env with a fresh APP_KEY, SECRETS_ENCRYPTION_KEYS, PUBLIC_ID_SECRET and ADMIN_PATH\n'
  )
}

process.env.MIGRATE_ON_BOOT ??= 'true'
process.env.SEED_DEMO_ON_BOOT ??= 'true'
process.env.SEXTANT_BANNER ??= 'true'
process.env.RUN_WORKER_IN_PROCESS ??= 'true'
process.env.RUN_SCHEDULER_IN_PROCESS ??= 'true'

await import('@poppinss/ts-exec')
await import('./server.js')
