/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable Sextant reads is declared (and documented in .env.example)
| here. A bad value stops the process with one readable line naming the
| variable, never a stack trace: an operator fixing a deployment at 3 am
| should not have to read framework internals.
|
*/
import { Env } from '@adonisjs/core/env'
import { ConfigurationError, describeEnvError } from '#start/env_errors'
import { allowListProblem } from '#services/http/outbound_policy'

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

async function createEnv() {
  const env = await Env.create(new URL('../', import.meta.url), {
    NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
    TZ: Env.schema.string.optional(),
    PORT: Env.schema.number.optional(),
    HOST: Env.schema.string.optional({ format: 'host' }),
    APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
    APP_NAME: Env.schema.string.optional(),
    APP_KEY: Env.schema.secret(),
    LOG_LEVEL: Env.schema.enum.optional(LOG_LEVELS),
    LOG_PRETTY: Env.schema.boolean.optional(),

    /*
    | Database: SQLite by default, PostgreSQL or MySQL/MariaDB on demand
    */
    DB_CONNECTION: Env.schema.enum.optional(['sqlite', 'pg', 'mysql'] as const),
    SQLITE_PATH: Env.schema.string.optional(),
    DATABASE_URL: Env.schema.string.optional(),
    PG_HOST: Env.schema.string.optional({ format: 'host' }),
    PG_PORT: Env.schema.number.optional(),
    PG_USER: Env.schema.string.optional(),
    PG_PASSWORD: Env.schema.secret.optional(),
    PG_DB: Env.schema.string.optional(),
    PG_SSL: Env.schema.boolean.optional(),
    MYSQL_HOST: Env.schema.string.optional({ format: 'host' }),
    MYSQL_PORT: Env.schema.number.optional(),
    MYSQL_USER: Env.schema.string.optional(),
    MYSQL_PASSWORD: Env.schema.secret.optional(),
    MYSQL_DB: Env.schema.string.optional(),
    DB_POOL_MAX: Env.schema.number.optional(),
    DB_DEBUG: Env.schema.boolean.optional(),
    MIGRATE_ON_BOOT: Env.schema.boolean.optional(),
    SEED_DEMO_ON_BOOT: Env.schema.boolean.optional(),

    /*
    | Redis (optional: sessions, cache, locks and queue for scale-out)
    */
    REDIS_URL: Env.schema.string.optional(),
    REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
    REDIS_PORT: Env.schema.number.optional(),
    REDIS_PASSWORD: Env.schema.secret.optional(),

    /*
    | Secrets of integrations and second factors, sealed at rest with keys
    | separate from APP_KEY (comma-separated, newest first)
    */
    SECRETS_ENCRYPTION_KEYS: Env.schema.string(),

    /*
    | Sign-in and sessions
    */
    SESSION_DRIVER: Env.schema.enum.optional(['database', 'redis', 'cookie', 'memory'] as const),
    SESSION_IDLE_TIMEOUT: Env.schema.string.optional(),
    SESSION_MAX_LIFETIME: Env.schema.string.optional(),
    SESSION_SECURE_COOKIE: Env.schema.boolean.optional(),
    SIGNUP_MODE: Env.schema.enum.optional(['invite', 'open'] as const),
    PASSWORD_HISTORY_SIZE: Env.schema.number.optional(),
    ADMIN_PATH: Env.schema.string.optional(),
    LIMITER_STORE: Env.schema.enum.optional(['database', 'redis', 'memory'] as const),

    /*
    | Outgoing mail (invites, password resets)
    */
    SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
    SMTP_PORT: Env.schema.number.optional(),
    SMTP_USERNAME: Env.schema.string.optional(),
    SMTP_PASSWORD: Env.schema.secret.optional(),
    SMTP_SECURE: Env.schema.boolean.optional(),
    MAIL_FROM: Env.schema.string.optional(),

    /*
    | Public ids and maintenance mode
    */
    PUBLIC_ID_ALPHABET: Env.schema.string.optional(),
    PUBLIC_ID_SECRET: Env.schema.string.optional(),
    BACKUP_PATH: Env.schema.string.optional(),
    BACKUP_NIGHTLY: Env.schema.boolean.optional(),
    BACKUP_KEEP: Env.schema.number.optional(),
    PUBLIC_ID_MIN_LENGTH: Env.schema.number.optional(),
    MAINTENANCE_RETRY_AFTER: Env.schema.number.optional(),

    /*
    | Plugins, background jobs, schedules and locks
    */
    PLUGINS_PATH: Env.schema.string.optional(),
    PLUGINS_EXTRA_PATHS: Env.schema.string.optional(),
    PLUGINS_DISABLED: Env.schema.string.optional(),
    QUEUE_DRIVER: Env.schema.enum.optional(['database', 'redis', 'sync'] as const),
    LOCK_STORE: Env.schema.enum.optional(['database', 'redis', 'memory'] as const),
    CACHE_STORE: Env.schema.enum.optional(['database', 'redis', 'memory'] as const),
    RUN_WORKER_IN_PROCESS: Env.schema.boolean.optional(),
    RUN_SCHEDULER_IN_PROCESS: Env.schema.boolean.optional(),
    WEBHOOK_MAX_BODY: Env.schema.string.optional(),
    WEBHOOK_RETRY_DELAY: Env.schema.string.optional(),
    /** first retry delay of a failed plugin lifecycle hook or core event handler (default 5s) */
    PLUGIN_HOOK_RETRY_DELAY: Env.schema.string.optional(),
    SYNC_REQUEST_BUDGET: Env.schema.number.optional(),
    SYNC_CONCURRENCY: Env.schema.number.optional(),
    SYNC_LOCK_TTL_MS: Env.schema.number.optional(),
    /** where repository snapshots are unpacked (default storage/repositories) */
    SNAPSHOTS_PATH: Env.schema.string.optional(),
    HTTP_RETRY_BASE_MS: Env.schema.number.optional(),
    HTTP_TIMEOUT_MS: Env.schema.number.optional(),
    HTTP_MAX_RATE_LIMIT_WAIT: Env.schema.number.optional(),
    /** hosts, addresses and CIDRs that user-typed URLs may reach although private (see .env.example) */
    OUTBOUND_ALLOWED_HOSTS: Env.schema.string.optional(),

    /*
    | Documents: the fs disk (storage/documents) by default, S3 or an
    | S3-compatible server (MinIO, Ceph, Garage) with DRIVE_DISK=s3
    */
    DRIVE_DISK: Env.schema.enum.optional(['fs', 's3'] as const),
    DOCUMENTS_PATH: Env.schema.string.optional(),
    AWS_ACCESS_KEY_ID: Env.schema.string.optional(),
    AWS_SECRET_ACCESS_KEY: Env.schema.secret.optional(),
    AWS_S3_BUCKET: Env.schema.string.optional(),
    AWS_REGION: Env.schema.string.optional(),
    AWS_S3_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
    AWS_S3_FORCE_PATH_STYLE: Env.schema.boolean.optional(),
    AWS_S3_FORCE_UPLOAD_TO_BUCKET: Env.schema.boolean.optional(),
    DOCUMENTS_MAX_BYTES: Env.schema.string.optional(),
    DOCUMENTS_RETENTION_DAYS: Env.schema.number.optional(),
    DOCUMENTS_LINK_TTL: Env.schema.string.optional(),
  })

  /*
  | Rules that span several variables (the schema above checks each alone)
  */
  const appKey = env.get('APP_KEY').release()
  if (appKey.length < 32) {
    throw new ConfigurationError(
      'APP_KEY',
      'must be at least 32 characters; run "node ace generate:key"'
    )
  }
  for (const key of env.get('SECRETS_ENCRYPTION_KEYS').split(',')) {
    if (key.trim().length < 32) {
      throw new ConfigurationError(
        'SECRETS_ENCRYPTION_KEYS',
        'must list keys of at least 32 characters each, newest first, separated by commas'
      )
    }
  }
  const adminPath = env.get('ADMIN_PATH')
  if (env.get('NODE_ENV') === 'production' && !adminPath) {
    throw new ConfigurationError(
      'ADMIN_PATH',
      'is required in production (a hard-to-guess path such as /ops-7f3k2)'
    )
  }
  if (adminPath && !/^\/[a-z0-9][a-z0-9_-]{3,63}$/i.test(adminPath)) {
    throw new ConfigurationError(
      'ADMIN_PATH',
      'must look like /some-path (letters, digits, - and _, 4 to 64 characters)'
    )
  }
  const connection = env.get('DB_CONNECTION', 'sqlite')
  if (connection === 'pg' && !env.get('DATABASE_URL') && !env.get('PG_DB')) {
    throw new ConfigurationError(
      'DATABASE_URL',
      'DB_CONNECTION=pg needs DATABASE_URL or PG_DB (with PG_HOST, PG_USER)'
    )
  }
  if (connection === 'mysql' && !env.get('DATABASE_URL') && !env.get('MYSQL_DB')) {
    throw new ConfigurationError(
      'DATABASE_URL',
      'DB_CONNECTION=mysql needs DATABASE_URL or MYSQL_DB (with MYSQL_HOST, MYSQL_USER)'
    )
  }
  const usesBucket =
    env.get('AWS_S3_FORCE_UPLOAD_TO_BUCKET', false) ||
    (env.get('DRIVE_DISK') === 's3' && env.get('NODE_ENV') !== 'development')
  if (usesBucket && !env.get('AWS_S3_BUCKET')) {
    throw new ConfigurationError(
      'AWS_S3_BUCKET',
      'is required when documents are stored on S3 (DRIVE_DISK=s3 or AWS_S3_FORCE_UPLOAD_TO_BUCKET=true)'
    )
  }
  const maxBytes = env.get('DOCUMENTS_MAX_BYTES')
  if (maxBytes !== undefined && !/^\d+\s*(b|kb|mb|gb)?$/i.test(maxBytes.trim())) {
    throw new ConfigurationError('DOCUMENTS_MAX_BYTES', 'must be a size such as 25mb or 1048576')
  }
  const linkTtl = env.get('DOCUMENTS_LINK_TTL')
  if (linkTtl !== undefined && !/^\d+\s*(s|m|h)$/i.test(linkTtl.trim())) {
    throw new ConfigurationError('DOCUMENTS_LINK_TTL', 'must be a duration such as 900s, 15m or 1h')
  }
  const outboundAllowed = env.get('OUTBOUND_ALLOWED_HOSTS')
  const outboundProblem = outboundAllowed ? allowListProblem(outboundAllowed) : null
  if (outboundProblem) {
    throw new ConfigurationError('OUTBOUND_ALLOWED_HOSTS', `is invalid: ${outboundProblem}`)
  }
  const databaseUrl = env.get('DATABASE_URL')
  if (databaseUrl && connection !== 'sqlite' && !URL.canParse(databaseUrl)) {
    throw new ConfigurationError(
      'DATABASE_URL',
      'is not a valid URL (expected postgres://user:password@host:5432/database)'
    )
  }
  return env
}

let env: Awaited<ReturnType<typeof createEnv>>
try {
  env = await createEnv()
} catch (error) {
  const line = describeEnvError(error)
  if (!line) throw error
  process.stderr.write(`${line}\n`)
  process.exit(1)
}

export default env
