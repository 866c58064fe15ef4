import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { POSITIVE_COUNT } from '#validators/cli'

/**
 * npm run bench:sync — requests made by a first sync of the fake provider
 * against the minimum that list size and page size allow, and the share
 * of 304s in an unchanged re-sync. Counts, not timings: the figures are
 * ratios measured in one run.
 */
export default class BenchSync extends BaseCommand {
  static commandName = 'bench:sync'
  static description = 'Benchmark: sync requests versus the minimum, and the 304 share of a re-sync'
  static options: CommandOptions = { startApp: true }
  /** a benchmark of nothing measures nothing */
  static defaultNumberBounds = POSITIVE_COUNT

  @flags.number({ description: 'Repositories in the fake provider', default: 30 })
  declare repositories: number

  @flags.number({ description: 'Items per repository', default: 250 })
  declare items: number

  async run() {
    const { prepareBenchDatabase, benchConnection } = await import('#bench/support')
    const { startFakeProvider, seedRepositories } = await import('#tests/helpers/fake_provider')
    const { default: RunSync } = await import('#actions/sync/run_sync')

    await prepareBenchDatabase()
    const provider = await startFakeProvider()
    try {
      provider.state.repositories = seedRepositories(this.repositories, this.items)
      const connection = await benchConnection(provider.url)
      const minimum = 1 + this.repositories * Math.ceil(this.items / 100)

      const [first] = await new RunSync().execute({ connection, trigger: 'cli' })
      provider.reset()
      const [second] = await new RunSync().execute({ connection, trigger: 'cli' })
      provider.touchItem(0, 0, 'changed')
      const [third] = await new RunSync().execute({ connection, trigger: 'cli' })

      this.logger.log(
        `fake provider: ${this.repositories} repositories × ${this.items} items, pages of 100`
      )
      this.logger.log(
        `first sync:     ${first.requests} requests for a minimum of ${minimum} (ratio ${(first.requests / minimum).toFixed(2)}), ${first.itemsWritten} rows written`
      )
      this.logger.log(
        `unchanged sync: ${second.requests} requests, ${second.notModified} answered 304 (304 share ${((second.notModified / Math.max(1, second.requests)) * 100).toFixed(1)}%), ${second.itemsWritten} rows written`
      )
      this.logger.log(
        `one change:     ${third.requests} requests, ${third.itemsWritten} row written`
      )
      this.logger.log(
        `re-sync cost versus a full re-read: ${(second.requests / first.requests).toFixed(3)} of the requests`
      )
    } finally {
      await provider.close()
    }
  }
}
