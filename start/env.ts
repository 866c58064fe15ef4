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
import { isIP } from 'node:net'
import { Env } from '@adonisjs/core/env'
import { ConfigurationError, describeEnvError } from '#start/env_errors'
import { allowListProblem } from '#services/http/outbound_policy'

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/** the engines CI tests on every change; another would double every raw SQL rollup */
export const DATABASE_ENGINES = ['sqlite', 'pg'] as const

/**
 * Variables of the system Sextant replaces, read when Sextant's own name
 * is unset, with one deprecation line at start.
 */
const DEPRECATED_ALIASES = {
  AWS_STORAGE_BUCKET_NAME: 'AWS_S3_BUCKET',
  AWS_S3_REGION_NAME: 'AWS_REGION',
} as const

const HOUR_MS = 3_600_000
/** the range each number setting may take (a typo beyond it stops the boot) */
const NUMBER_BOUNDS = {
  PORT: [0, 65_535],
  PG_PORT: [1, 65_535],
  REDIS_PORT: [1, 65_535],
  SMTP_PORT: [1, 65_535],
  DB_POOL_MAX: [1, 1000],
  PASSWORD_HISTORY_SIZE: [0, 100],
  BACKUP_KEEP: [1, 1000],
  PUBLIC_ID_MIN_LENGTH: [0, 64],
  MAINTENANCE_RETRY_AFTER: [0, 7 * 24 * 3600],
  SYNC_REQUEST_BUDGET: [1, 10_000_000],
  SYNC_CONCURRENCY: [1, 256],
  SYNC_LOCK_TTL_MS: [1, 24 * HOUR_MS],
  HTTP_RETRY_BASE_MS: [0, HOUR_MS],
  HTTP_TIMEOUT_MS: [1, HOUR_MS],
  HTTP_MAX_RATE_LIMIT_WAIT: [0, 24 * 3600],
  INCIDENT_FAILURE_WINDOW_HOURS: [0, 24 * 30],
  DOCUMENTS_RETENTION_DAYS: [0, 36_500],
  WEBHOOK_RATE_LIMIT_PER_PLUGIN: [1, 1_000_000],
  WEBHOOK_SWEEP_PENDING_SECONDS: [1, 7 * 24 * 3600],
  WEBHOOK_SWEEP_PROCESSING_SECONDS: [1, 7 * 24 * 3600],
  API_RATE_LIMIT_PER_TOKEN: [1, 1_000_000],
  API_RATE_LIMIT_PER_ORGANIZATION: [1, 1_000_000],
  API_RATE_LIMIT_ASSISTANT_PER_TOKEN: [1, 1_000_000],
  API_RATE_LIMIT_UPLOADS_PER_TOKEN: [1, 1_000_000],
} as const

async function createEnv() {
  const env = await Env.create(new URL('../', import.meta.url), {
    NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
    TZ: Env.schema.string.optional(),
    PORT: Env.schema.number.optional(),
    HOST: Env.schema.string.optional({ format: 'host' }),
    APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
    APP_NAME: Env.schema.string.optional(),
    TRUSTED_PROXIES: Env.schema.string.optional(),
    APP_KEY: Env.schema.secret(),
    /** the framework's debug page (stack traces) for errors; never in front of users */
    APP_DEBUG: Env.schema.boolean.optional(),
    LOG_LEVEL: Env.schema.enum.optional(LOG_LEVELS),
    LOG_PRETTY: Env.schema.boolean.optional(),

    /*
    | Database: SQLite by default, PostgreSQL in production
    */
    DB_CONNECTION: Env.schema.string.optional(),
    SQLITE_PATH: Env.schema.string.optional(),
    DATABASE_URL: Env.schema.string.optional(),
    PG_HOST: Env.schema.string.optional({ format: 'host' }),
    PG_PORT: Env.schema.number.optional(),
    PG_USER: Env.schema.string.optional(),
    PG_PASSWORD: Env.schema.secret.optional(),
    PG_DB: Env.schema.string.optional(),
    PG_SSL: Env.schema.boolean.optional(),
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
    /** requests a minute (see app/services/api_rate_limits.ts) */
    WEBHOOK_RATE_LIMIT_PER_PLUGIN: Env.schema.number.optional(),
    API_RATE_LIMIT_PER_TOKEN: Env.schema.number.optional(),
    API_RATE_LIMIT_PER_ORGANIZATION: Env.schema.number.optional(),
    API_RATE_LIMIT_ASSISTANT_PER_TOKEN: Env.schema.number.optional(),
    API_RATE_LIMIT_UPLOADS_PER_TOKEN: Env.schema.number.optional(),
    WEBHOOK_RETRY_DELAY: Env.schema.string.optional(),
    /** a running job whose worker stopped renewing it is handed out again after this (default 30s) */
    QUEUE_STALLED_THRESHOLD: Env.schema.string.optional(),
    /** how often a worker looks for such jobs (default 30s) */
    QUEUE_STALLED_INTERVAL: Env.schema.string.optional(),
    /** the webhook sweeper queues again deliveries pending longer than this (default 300) */
    WEBHOOK_SWEEP_PENDING_SECONDS: Env.schema.number.optional(),
    /** and deliveries "processing" longer than this (default 1800) */
    WEBHOOK_SWEEP_PROCESSING_SECONDS: Env.schema.number.optional(),
    /** first retry delay of a failed plugin lifecycle hook or core event handler (default 5s) */
    PLUGIN_HOOK_RETRY_DELAY: Env.schema.string.optional(),
    /** first retry delay of a status check the provider refused (default 10s) */
    STATUS_CHECK_RETRY_DELAY: Env.schema.string.optional(),
    SYNC_REQUEST_BUDGET: Env.schema.number.optional(),
    SYNC_CONCURRENCY: Env.schema.number.optional(),
    SYNC_LOCK_TTL_MS: Env.schema.number.optional(),
    /** the AI-code analyzer's output, one folder per organisation, imported every 15 minutes */
    AI_ENGINE_OUTPUT_PATH: Env.schema.string.optional(),
    /** where repository snapshots are unpacked (default storage/repositories) */
    SNAPSHOTS_PATH: Env.schema.string.optional(),
    HTTP_RETRY_BASE_MS: Env.schema.number.optional(),
    HTTP_TIMEOUT_MS: Env.schema.number.optional(),
    HTTP_MAX_RATE_LIMIT_WAIT: Env.schema.number.optional(),
    /** an incident opened this many hours after a production deployment makes it a failed change (default 24, 0: never) */
    INCIDENT_FAILURE_WINDOW_HOURS: Env.schema.number.optional(),
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
    /** the old system's names, accepted as aliases (see DEPRECATED_ALIASES) */
    AWS_STORAGE_BUCKET_NAME: Env.schema.string.optional(),
    AWS_S3_REGION_NAME: Env.schema.string.optional(),
    DOCUMENTS_MAX_BYTES: Env.schema.string.optional(),
    DOCUMENTS_RETENTION_DAYS: Env.schema.number.optional(),
    DOCUMENTS_LINK_TTL: Env.schema.string.optional(),
  })

  /*
  | Rules that span several variables (the schema above checks each alone)
  */
  for (const [old, current] of Object.entries(DEPRECATED_ALIASES)) {
    const value = env.get(old as keyof typeof DEPRECATED_ALIASES)
    if (!value) continue
    if (!env.get(current)) env.set(current, value)
    process.stderr.write(
      `Deprecated: ${old} is read as ${current}; rename it in your environment\n`
    )
  }
  const proxies = trustedProxyProblem(env.get('TRUSTED_PROXIES'))
  if (proxies) throw new ConfigurationError('TRUSTED_PROXIES', proxies)
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
  if (!(DATABASE_ENGINES as readonly string[]).includes(connection)) {
    throw new ConfigurationError(
      'DB_CONNECTION',
      `="${connection}" is not supported: use sqlite (the embedded default) or pg (PostgreSQL)`
    )
  }
  if (connection === 'pg' && !env.get('DATABASE_URL') && !env.get('PG_DB')) {
    throw new ConfigurationError(
      'DATABASE_URL',
      'DB_CONNECTION=pg needs DATABASE_URL or PG_DB (with PG_HOST, PG_USER)'
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
  /*
  | Numbers are whole and within sane bounds: 1e308 passes the schema and
  | once turned a retention period into an invalid date.
  */
  for (const [variable, [min, max]] of Object.entries(NUMBER_BOUNDS)) {
    const value = env.get(variable as keyof typeof NUMBER_BOUNDS)
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigurationError(variable, `must be a whole number from ${min} to ${max}`)
    }
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

/** a value proxy-addr cannot compile, in words */
function trustedProxyProblem(value: string | undefined) {
  if (!value) return null
  const names = new Set(['loopback', 'linklocal', 'uniquelocal'])
  for (const entry of value.split(',').map((one) => one.trim())) {
    if (!entry) continue
    if (names.has(entry)) continue
    const [address, bits] = entry.split('/')
    const family = isIP(address)
    const maxBits = family === 4 ? 32 : 128
    if (family === 0 || (bits !== undefined && !(Number(bits) >= 0 && Number(bits) <= maxBits))) {
      return `has "${entry}", which is not an address, a CIDR range or one of loopback, linklocal, uniquelocal`
    }
  }
  return null
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
