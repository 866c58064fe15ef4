import { createHmac } from 'node:crypto'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { POSITIVE_COUNT } from '#validators/cli'

/**
 * npm run bench:webhooks — signed deliveries accepted per second by the
 * real HTTP server (verify, store, queue, 202), against the rate of raw
 * single-row inserts into the same database from the same machine in
 * the same run. The ratio is the figure; seconds alone say little.
 */
export default class BenchWebhooks extends BaseCommand {
  static commandName = 'bench:webhooks'
  static description = 'Benchmark: webhook deliveries accepted per second versus raw inserts'
  static options: CommandOptions = { startApp: true }
  /** a benchmark of nothing measures nothing */
  static defaultNumberBounds = POSITIVE_COUNT

  @flags.number({ description: 'Deliveries to post', default: 2000 })
  declare deliveries: number

  @flags.number({ description: 'Requests in flight at once', default: 50 })
  declare concurrency: number

  async run() {
    const {
      prepareBenchDatabase,
      recordBenchResult,
      serverQueryCounter,
      processRss,
      processCpuMs,
      serverNodeOptions,
    } = await import('#bench/support')
    const { startServer, stopServer, waitForOk } = await import('#tests/helpers/processes')
    const { default: db } = await import('@adonisjs/lucid/services/db')
    await prepareBenchDatabase()

    const rawCpuBefore = process.cpuUsage()
    const rawPerSecond = await this.#rawInsertRate(db)
    const rawCpu = process.cpuUsage(rawCpuBefore)
    // SQLite runs inside this process, so this is the whole cost of a raw insert there
    const rawCpuMs = (rawCpu.user + rawCpu.system) / 1000 / this.deliveries

    const queries = await serverQueryCounter('webhooks')
    const server = await startServer({
      ...serverNodeOptions(),
      LOG_LEVEL: 'error',
      ...queries.env,
    })
    try {
      await waitForOk(`http://127.0.0.1:${server.port}/health`)
      await db.from('webhook_deliveries').delete()
      const queriesBefore = await queries.read()
      const serverCpuBefore = await processCpuMs(server.child.pid!)
      const latencies: number[] = []
      const secret = process.env.FIXTURE_WEBHOOK_SECRET ?? ''
      let next = 0
      let accepted = 0
      const startedAt = performance.now()
      const post = async () => {
        while (next < this.deliveries) {
          const index = next++
          const begun = performance.now()
          const body = JSON.stringify({
            action: 'updated',
            account: 'acme',
            item: { id: `i-${index}` },
          })
          const signature = createHmac('sha256', secret).update(body).digest('hex')
          const response = await fetch(`http://127.0.0.1:${server.port}/api/webhooks/fixture`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-fixture-signature': `sha256=${signature}`,
              'x-fixture-delivery': `bench-${index}`,
              'x-fixture-event': 'item',
            },
            body,
          })
          await response.arrayBuffer()
          latencies.push(performance.now() - begun)
          if (response.status === 202) accepted += 1
        }
      }
      await Promise.all(Array.from({ length: this.concurrency }, post))
      const acceptedPerSecond = accepted / ((performance.now() - startedAt) / 1000)
      const queriesPerDelivery = ((await queries.read()) - queriesBefore) / this.deliveries
      const serverCpuAfter = await processCpuMs(server.child.pid!)
      const cpuMsPerDelivery =
        serverCpuBefore === null || serverCpuAfter === null
          ? null
          : (serverCpuAfter - serverCpuBefore) / this.deliveries
      latencies.sort((a, b) => a - b)
      const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]
      const rss = await processRss(server.child.pid!)
      // after the deliveries, so they meet the server as they did before it was measured
      const bareCpuBefore = await processCpuMs(server.child.pid!)
      const barePerSecond = await this.#bareRouteRate(server.port)
      const bareCpuAfter = await processCpuMs(server.child.pid!)
      const cpuMsPerBareRequest =
        bareCpuBefore === null || bareCpuAfter === null
          ? null
          : (bareCpuAfter - bareCpuBefore) / this.deliveries

      const engine = db.connection().dialect.name
      this.logger.log(
        `database: ${engine}; ${this.deliveries} deliveries, ${this.concurrency} in flight`
      )
      this.logger.log(`raw single-row inserts: ${rawPerSecond.toFixed(0)}/s`)
      this.logger.log(
        `webhooks accepted (verify + store + queue + 202 over HTTP): ${acceptedPerSecond.toFixed(0)}/s (${accepted} accepted)`
      )
      this.logger.log(
        `acknowledgement p99: ${p99.toFixed(1)} ms; SQL statements per delivery (server): ${queriesPerDelivery.toFixed(2)}; server peak RSS ${rss.peak} MiB`
      )
      this.logger.log(
        `bare route (GET /health, no database) over HTTP, same clients: ${barePerSecond.toFixed(0)}/s; ratio bare route / raw inserts (the ceiling of any HTTP endpoint here): ${(barePerSecond / rawPerSecond).toFixed(2)}; webhooks / bare route: ${(acceptedPerSecond / barePerSecond).toFixed(2)}`
      )
      if (cpuMsPerDelivery !== null && cpuMsPerBareRequest !== null) {
        this.logger.log(
          `server CPU per delivery: ${cpuMsPerDelivery.toFixed(2)} ms; per bare request: ${cpuMsPerBareRequest.toFixed(2)} ms; this process's CPU per raw insert: ${rawCpuMs.toFixed(3)} ms${engine === 'better-sqlite3' ? ` (ratio by CPU, raw insert / delivery: ${(rawCpuMs / cpuMsPerDelivery).toFixed(3)})` : ' (PostgreSQL does the insert in its own process)'}`
        )
      }
      this.logger.log(
        `ratio accepted / raw inserts: ${(acceptedPerSecond / rawPerSecond).toFixed(2)}`
      )
      await recordBenchResult('webhooks', {
        deliveries: this.deliveries,
        concurrency: this.concurrency,
        rawInsertsPerSecond: Math.round(rawPerSecond),
        acceptedPerSecond: Math.round(acceptedPerSecond),
        ratio: Number((acceptedPerSecond / rawPerSecond).toFixed(3)),
        bareRequestsPerSecond: Math.round(barePerSecond),
        bareRatio: Number((barePerSecond / rawPerSecond).toFixed(3)),
        acceptedOverBare: Number((acceptedPerSecond / barePerSecond).toFixed(3)),
        rawInsertCpuMs: Number(rawCpuMs.toFixed(3)),
        ...(cpuMsPerDelivery === null
          ? {}
          : { cpuMsPerDelivery: Number(cpuMsPerDelivery.toFixed(2)) }),
        ...(cpuMsPerBareRequest === null
          ? {}
          : { cpuMsPerBareRequest: Number(cpuMsPerBareRequest.toFixed(2)) }),
        p99Ms: Number(p99.toFixed(1)),
        queriesPerDelivery: Number(queriesPerDelivery.toFixed(2)),
        serverPeakRssMiB: rss.peak,
      })
    } finally {
      await stopServer(server)
    }
  }

  /**
   * The same clients and request count against the framework's bare route
   * (/health: no session, no database): what HTTP and the framework alone
   * allow, the ceiling of any endpoint's ratio to the raw inserts.
   */
  async #bareRouteRate(port: number) {
    let next = 0
    const startedAt = performance.now()
    const get = async () => {
      while (next < this.deliveries) {
        next++
        const response = await fetch(`http://127.0.0.1:${port}/health`)
        await response.arrayBuffer()
      }
    }
    await Promise.all(Array.from({ length: this.concurrency }, get))
    return this.deliveries / ((performance.now() - startedAt) / 1000)
  }

  /**
   * The same row shape, inserted one statement at a time with the same
   * number of writers: what the database alone allows.
   */
  async #rawInsertRate(db: typeof import('@adonisjs/lucid/services/db').default) {
    const { sqlTime } = await import('#services/sql')
    let next = 0
    const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id: 'i' } })
    const startedAt = performance.now()
    const insert = async () => {
      while (next < this.deliveries) {
        const index = next++
        await db.table('webhook_deliveries').insert({
          plugin_id: 'bench',
          delivery_id: `raw-${index}`,
          event: 'item',
          headers: '{}',
          payload: body,
          status: 'pending',
          attempts: 0,
          received_at: sqlTime(),
          updated_at: sqlTime(),
        })
      }
    }
    await Promise.all(Array.from({ length: this.concurrency }, insert))
    return this.deliveries / ((performance.now() - startedAt) / 1000)
  }
}
