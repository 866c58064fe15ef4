import { createHmac } from 'node:crypto'
import pg from 'pg'
import db from '@adonisjs/lucid/services/db'
import {
  startAce,
  startServer,
  stopServer,
  waitForOk,
  type AceProcess,
  type ServerProcess,
} from '#tests/helpers/processes'
import { claimRedisDatabase, redisEnv, type RedisTestDatabase } from '#tests/helpers/redis'
import { waitFor } from '#tests/helpers/wait'

/**
 * The production topology on one machine: web processes, queue workers
 * and schedulers as separate processes on a PostgreSQL database of their
 * own and a Redis database of their own, whatever engine the test run
 * itself uses. Used by the scale-out test and by `npm run bench:scale`.
 *
 * PostgreSQL is reached through SCALE_PG_ADMIN_URL (a database the user
 * may CREATE DATABASE from; postgres://postgres@127.0.0.1:5432/postgres
 * by default), Redis through REDIS_TEST_HOST / REDIS_TEST_PORT. Neither
 * being there is an error, never a skip.
 */
const ADMIN_URL = process.env.SCALE_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type ScratchDatabase = {
  name: string
  url: string
  query: <Row extends Record<string, any> = Record<string, any>>(
    sql: string,
    params?: unknown[]
  ) => Promise<Row[]>
  drop: () => Promise<void>
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `The scale-out topology needs PostgreSQL at ${ADMIN_URL} (SCALE_PG_ADMIN_URL): ${(error as Error).message}`
    )
  }
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** CREATE DATABASE sextant_scale_<pid>, dropped by drop() */
export async function createScratchDatabase(prefix = 'sextant_scale'): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}`
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await adminQuery(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  return {
    name,
    url: url.toString(),
    async query(sql, params) {
      return (await pool.query(sql, params as any[])).rows
    },
    async drop() {
      await pool.end()
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

/**
 * Runs `work` with this process's Lucid pointed at the scratch database
 * (the test helpers that create accounts and rows use the primary
 * connection), then points it back.
 */
export async function onScratchDatabase<T>(scratch: ScratchDatabase, work: () => Promise<T>) {
  const name = `scale_${scratch.name}`
  if (!db.manager.has(name)) {
    db.manager.add(name, {
      client: 'pg',
      connection: scratch.url,
      pool: { min: 0, max: 4 },
    })
  }
  const database = db as unknown as { primaryConnectionName: string }
  const previous = database.primaryConnectionName
  database.primaryConnectionName = name
  try {
    return await work()
  } finally {
    database.primaryConnectionName = previous
  }
}

export async function closeScratchConnection(scratch: ScratchDatabase) {
  const name = `scale_${scratch.name}`
  if (db.manager.has(name)) await db.manager.close(name, true)
}

export type Cluster = {
  env: Record<string, string>
  redis: RedisTestDatabase
  webs: ServerProcess[]
  workers: AceProcess[]
  schedulers: AceProcess[]
  startWorker: () => AceProcess
  stop: () => Promise<void>
}

/**
 * Starts `webs` web processes (the first migrates under the boot lock,
 * the others wait for it), then the workers and schedulers, all with the
 * shared settings of docs/deploy.md plus `env`. `perWeb` adds variables
 * to one web process.
 */
export async function startCluster(options: {
  scratch: ScratchDatabase
  webs: number
  workers: number
  schedulers: number
  env?: Record<string, string>
  perWeb?: (index: number) => Record<string, string>
}): Promise<Cluster> {
  const redis = await claimRedisDatabase()
  const env: Record<string, string> = redisEnv(redis, {
    DB_CONNECTION: 'pg',
    DATABASE_URL: options.scratch.url,
    RUN_WORKER_IN_PROCESS: 'false',
    RUN_SCHEDULER_IN_PROCESS: 'false',
    MIGRATE_ON_BOOT: 'true',
    WEBHOOK_RATE_LIMIT_PER_PLUGIN: '1000000',
    LOG_LEVEL: 'warn',
    ...options.env,
  })
  const cluster: Cluster = {
    env,
    redis,
    webs: [],
    workers: [],
    schedulers: [],
    startWorker() {
      const worker = startAce(['queue:work'], env)
      cluster.workers.push(worker)
      return worker
    },
    async stop() {
      await Promise.all([
        ...cluster.webs.map((web) => stopServer(web)),
        ...cluster.workers.map((worker) => worker.stop()),
        ...cluster.schedulers.map((scheduler) => scheduler.stop()),
      ])
      await redis.release()
    },
  }
  try {
    for (let index = 0; index < options.webs; index++) {
      cluster.webs.push(await startServer({ ...env, ...options.perWeb?.(index) }))
    }
    for (const web of cluster.webs) {
      await waitForOk(`http://127.0.0.1:${web.port}/health/ready`, 120_000).catch((error) => {
        throw new Error(`${error.message}\n${web.output()}`)
      })
    }
    for (let index = 0; index < options.workers; index++) cluster.startWorker()
    for (let index = 0; index < options.schedulers; index++) {
      cluster.schedulers.push(startAce(['scheduler:run'], env))
    }
    await waitFor(
      () =>
        cluster.schedulers.every((scheduler) => scheduler.output().includes('Scheduler started')),
      { timeoutMs: 120_000, what: 'every scheduler to start' }
    )
  } catch (error) {
    await cluster.stop()
    throw error
  }
  return cluster
}

/** a fixture-plugin delivery, signed (or, with `badSignature`, signed wrongly) */
export function fixtureDelivery(id: string, options: { badSignature?: boolean } = {}) {
  // the id in the body too: the same body twice is a replay, refused as a duplicate
  const body = JSON.stringify({ action: 'updated', account: 'scale', item: { id } })
  const secret = options.badSignature ? 'not-the-secret' : process.env.FIXTURE_WEBHOOK_SECRET!
  const signature = createHmac('sha256', secret).update(body).digest('hex')
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': id,
      'x-fixture-event': 'item',
    },
  }
}

export async function postDeliveryTo(port: number, delivery: ReturnType<typeof fixtureDelivery>) {
  const response = await fetch(`http://127.0.0.1:${port}/api/webhooks/fixture`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  })
  await response.arrayBuffer()
  return response.status
}
