import { randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { migrateUnderLock } from '#services/migrator'
import Organization from '#models/organization'
import { upsertConnection } from '#actions/connections/store_connection'

/**
 * Benchmarks run against their own scratch database (see the bench:*
 * scripts in package.json), rebuilt from the migrations each time.
 */
export async function prepareBenchDatabase() {
  const connection = db.connection()
  const target = JSON.stringify(db.manager.get(db.primaryConnectionName)?.config.connection ?? {})
  // Rebuilding drops every table: never point a benchmark at real data.
  if (!target.includes('bench')) {
    throw new Error('Benchmarks only run against a database whose name or file contains "bench"')
  }
  await connection.dropAllTables()
  if (connection.dialect.name === 'postgres') await connection.dropAllTypes()
  await migrateUnderLock()
}

export function benchOrganization() {
  return Organization.create({ name: 'Bench', slug: `bench-${Date.now()}-${randomSuffix()}` })
}

function randomSuffix() {
  return randomBytes(4).toString('hex')
}

/** a fixture-plugin connection as the connect form leaves it (the code the form uses) */
export async function benchConnection(apiUrl: string) {
  const organization = await benchOrganization()
  return upsertConnection({
    organizationId: organization.id,
    pluginId: 'fixture',
    accountKey: 'acme',
    createdById: null,
    displayName: 'acme',
    config: { workspace: 'acme' },
    credentials: { token: 'good-token' },
    baseUrl: apiUrl,
    status: 'active',
  })
}

/** a plugin's connection as the connect form leaves it, for its benchmark (`benchmark.connect`) */
export function benchPluginConnection(input: {
  organizationId: number
  pluginId: string
  accountKey: string
  credentials?: Record<string, string>
  config?: Record<string, unknown>
  baseUrl?: string | null
  authMethod?: string | null
}) {
  return upsertConnection({
    organizationId: input.organizationId,
    pluginId: input.pluginId,
    accountKey: input.accountKey,
    createdById: null,
    displayName: input.accountKey,
    config: input.config ?? {},
    credentials: input.credentials ?? {},
    baseUrl: input.baseUrl ?? null,
    authMethod: input.authMethod ?? null,
    status: 'active',
  })
}

/** a sync run the way `fetch:data` runs it (`benchmark.runSync`) */
export async function benchRunSync(
  connectionId: number,
  tasks: string[],
  options: { full?: boolean } = {}
) {
  const { default: Connection } = await import('#models/connection')
  const { default: RunSync } = await import('#actions/sync/run_sync')
  const connection = await Connection.findOrFail(connectionId)
  return new RunSync().execute({ connection, tasks, trigger: 'cli', full: options.full })
}

/**
 * A new organisation with one member who has a second factor (the API
 * refuses tokens of users without one) and an API token that reads and
 * writes: for plugins' benchmarks (the SDK's `benchmark.memberWithToken`).
 */
export async function benchMemberWithToken(extraAbilities: string[] = []) {
  const { default: Membership } = await import('#models/membership')
  const { createUserWithPassword } = await import('#services/passwords')
  const { default: StartTotpEnrolment } = await import('#actions/auth/start_totp_enrolment')
  const { default: ConfirmTotpEnrolment } = await import('#actions/auth/confirm_totp_enrolment')
  const { default: CreateApiToken } = await import('#actions/tokens/create_api_token')
  const { totp } = await import('#services/totp')
  const { CLI_META } = await import('#services/audit')
  const { isTokenAbility } = await import('#services/token_abilities')
  const unknown = extraAbilities.filter((ability) => !isTokenAbility(ability))
  if (unknown.length > 0) throw new Error(`Unknown token abilities: ${unknown.join(', ')}`)

  const organization = await benchOrganization()
  const user = await db.transaction((trx) =>
    createUserWithPassword(
      {
        email: `bench.${randomSuffix()}@example.org`,
        password: `Bench-${randomBytes(18).toString('base64url')}-7`,
        fullName: 'Bench member',
        isSuperuser: false,
      },
      trx
    )
  )
  const membership = await Membership.create({
    organizationId: organization.id,
    userId: user.id,
    role: 'member',
  })
  const enrolment = await new StartTotpEnrolment().execute(user)
  await new ConfirmTotpEnrolment().execute({
    user,
    factorPublicId: enrolment.factor.publicId,
    code: totp.codeAt(enrolment.secret, Date.now()),
    meta: CLI_META,
  })
  const { value } = await new CreateApiToken().execute({
    user,
    membership,
    name: 'Benchmark',
    abilities: ['read', 'write', ...extraAbilities.filter(isTokenAbility)],
    expiresInDays: null,
    meta: CLI_META,
  })
  return {
    organizationId: organization.id,
    organizationPublicId: organization.publicId,
    userId: user.id,
    token: value,
  }
}

/**
 * One benchmark's figures for `npm run bench`: appended as a JSON line to
 * BENCH_RESULT_FILE when the runner set it (it adds engine, Node version
 * and CPU count), ignored when the benchmark runs on its own.
 */
export async function recordBenchResult(
  benchmark: string,
  figures: Record<string, number | string | null>
) {
  const file = process.env.BENCH_RESULT_FILE
  if (!file) return
  const { appendFile } = await import('node:fs/promises')
  await appendFile(file, JSON.stringify({ benchmark, figures }) + '\n')
}

/**
 * The SQL statements sent by this process (the counter is installed on
 * first call): benchmarks that run the code in-process divide the
 * difference by what they did.
 */
export async function inProcessQueryCounter() {
  const { installQueryCounter, queryCount } = await import('#services/query_counter')
  const { default: emitter } = await import('@adonisjs/core/services/emitter')
  installQueryCounter(db, emitter)
  return queryCount
}

/**
 * For a server in its own process: the env that makes it publish its
 * statement count, and a reader that waits for the file to settle.
 */
export async function serverQueryCounter(label: string) {
  const { mkdir, readFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const dir = join(process.cwd(), 'tmp', 'bench')
  await mkdir(dir, { recursive: true })
  const file = join(dir, `queries-${label}-${process.pid}.txt`)
  const read = async () => {
    // the server rewrites the file at most every 50 ms
    await new Promise((resolve) => setTimeout(resolve, 150))
    return Number(await readFile(file, 'utf8').catch(() => '0'))
  }
  return { env: { SQL_QUERY_COUNT_FILE: file }, read }
}

/** the high-water mark (VmHWM) and current (VmRSS) resident memory of a process, in MiB */
export async function processRss(pid: number) {
  const { readFile } = await import('node:fs/promises')
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const mib = (name: string) =>
      Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024)
    return { peak: mib('VmHWM'), current: mib('VmRSS') }
  } catch {
    return { peak: null, current: null }
  }
}

/**
 * CPU time (user + system, milliseconds) a process has used so far, from
 * /proc/<pid>/stat; null where there is no /proc. On a loaded machine a
 * process's CPU time per request moves far less than its rate does.
 */
export async function processCpuMs(pid: number) {
  const { readFile } = await import('node:fs/promises')
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // fields after the command name, which may hold spaces: utime and stime are 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
  } catch {
    return null
  }
}

/**
 * BENCH_SERVER_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=tmp/prof")
 * goes to the server a benchmark starts in its own process, to profile it.
 */
export function serverNodeOptions(): Record<string, string> {
  const options = process.env.BENCH_SERVER_NODE_OPTIONS
  return options ? { NODE_OPTIONS: options } : {}
}

/**
 * The Node and V8 flags the web process is deployed with: read from the
 * ExecStart line of deploy/systemd/sextant-web@.service, so a benchmark
 * measures the server as it runs in production (docs/performance.md,
 * "V8 heap flags").
 */
export async function deployedNodeFlags(): Promise<string[]> {
  const { readFile } = await import('node:fs/promises')
  const unit = await readFile(
    new URL('../deploy/systemd/sextant-web@.service', import.meta.url),
    'utf8'
  )
  const command = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? ''
  const words = command.trim().split(/\s+/)
  const script = words.indexOf('bin/server.js')
  return words.slice(0, Math.max(0, script)).filter((word) => word.startsWith('--'))
}

/**
 * The allocator settings the units deploy (their `Environment=MALLOC_…`
 * lines), for a server a benchmark starts with deployedNodeFlags().
 */
export async function deployedNodeEnv(): Promise<Record<string, string>> {
  const { readFile } = await import('node:fs/promises')
  const unit = await readFile(
    new URL('../deploy/systemd/sextant-web@.service', import.meta.url),
    'utf8'
  )
  return Object.fromEntries(
    [...unit.matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]])
  )
}
