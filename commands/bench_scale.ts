import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { POSITIVE_COUNT } from '#validators/cli'

/**
 * npm run bench:scale — webhook deliveries processed per second by one
 * and by two `node ace queue:work` processes on PostgreSQL + Redis (the
 * scale-out topology of docs/deploy.md), and the ratio between them. A
 * backlog is stored and queued first, through a real web process; the
 * rate is measured from the first delivery processed to the last, so
 * booting the workers is not counted. The ratio is the figure: how much
 * a second worker adds on this machine.
 */
export default class BenchScale extends BaseCommand {
  static commandName = 'bench:scale'
  static description = 'Benchmark: webhook deliveries processed per second with 1 and 2 workers'
  static options: CommandOptions = { startApp: true }
  static defaultNumberBounds = POSITIVE_COUNT

  @flags.number({ description: 'Deliveries in the backlog of each run', default: 2000 })
  declare deliveries: number

  async run() {
    const cluster = await import('#tests/helpers/scale_cluster')
    const { waitFor } = await import('#tests/helpers/wait')
    const scratch = await cluster.createScratchDatabase('sextant_bench_scale')
    let running: Awaited<ReturnType<typeof cluster.startCluster>> | null = null
    try {
      running = await cluster.startCluster({ scratch, webs: 1, workers: 0, schedulers: 0 })
      const web = running.webs[0]
      const rates: number[] = []
      for (const workers of [1, 2]) {
        await scratch.query('truncate webhook_deliveries, fixture_webhook_effects')
        await this.#storeBacklog(web.port, `w${workers}`, cluster)
        const started = Array.from({ length: workers }, () => running!.startWorker())
        const processed = async () => {
          const [row] = await scratch.query(
            "select count(*)::int as done from webhook_deliveries where status = 'processed'"
          )
          return row.done as number
        }
        const first = await waitFor(
          async () => {
            const done = await processed()
            return done > 0 ? { done, at: performance.now() } : null
          },
          { timeoutMs: 180_000, intervalMs: 20, what: 'the first delivery processed' }
        )
        await waitFor(async () => (await processed()) === this.deliveries, {
          timeoutMs: 600_000,
          intervalMs: 20,
          what: `${this.deliveries} deliveries processed`,
        })
        const seconds = (performance.now() - first.at) / 1000
        rates.push((this.deliveries - first.done) / seconds)
        for (const worker of started) await worker.stop()
        running.workers.splice(0)
        this.logger.log(
          `${workers} worker${workers > 1 ? 's' : ''}: ${rates.at(-1)!.toFixed(0)} deliveries processed/s`
        )
      }
      this.logger.log(
        `database: pg, queue: redis; ${this.deliveries} deliveries per run, 5 jobs in flight per worker`
      )
      this.logger.log(`ratio 2 workers / 1 worker: ${(rates[1] / rates[0]).toFixed(2)}`)
    } finally {
      await running?.stop()
      await cluster.closeScratchConnection(scratch)
      await scratch.drop()
    }
  }

  /** signed deliveries through the web process: stored and queued, none processed yet */
  async #storeBacklog(
    port: number,
    prefix: string,
    cluster: typeof import('#tests/helpers/scale_cluster')
  ) {
    let next = 0
    const post = async () => {
      while (next < this.deliveries) {
        const id = `${prefix}-${next++}`
        const status = await cluster.postDeliveryTo(port, cluster.fixtureDelivery(id))
        if (status !== 202) throw new Error(`delivery ${id} answered ${status}`)
      }
    }
    await Promise.all(Array.from({ length: 32 }, post))
  }
}
