import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'

/**
 * npm run bench:bitbucket — a pull request sync of a fake Bitbucket
 * workspace: requests made versus the minimum the page size allows (50
 * pull requests a page), rows written per second, the requests of a
 * re-sync after a few pull requests changed, and the process's peak RSS.
 * Figures from one run, against fake Bitbucket on loopback.
 */
export default class BenchBitbucket extends BaseCommand {
  static commandName = 'bench:bitbucket'
  static description =
    'Benchmark: Bitbucket sync requests versus the minimum, rows/s, incremental re-sync, peak RSS'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Repositories in the fake workspace', default: 30 })
  declare repositories: number

  @flags.number({ description: 'Pull requests per repository', default: 200 })
  declare pulls: number

  @flags.number({ description: 'Pull requests changed before the re-sync', default: 2 })
  declare changed: number

  async run() {
    if (this.repositories < 1 || this.pulls < 1 || this.changed < 0) {
      this.logger.error('--repositories and --pulls must be at least 1, --changed at least 0')
      this.exitCode = 1
      return
    }
    // the fixtures the tests use: fake Bitbucket and a connection as the connect flow leaves it
    const { runBitbucketBenchmark } = await import('../tests/fake_bitbucket/bench_run.js')
    await benchmark.prepareDatabase()
    const result = await runBitbucketBenchmark({
      repositories: this.repositories,
      pulls: this.pulls,
      changed: this.changed,
    })
    const ratio = (made: number, minimum: number) => (made / Math.max(1, minimum)).toFixed(2)
    this.logger.log(
      `fake Bitbucket: ${this.repositories} repositories × ${this.pulls} pull requests, pages of 50`
    )
    this.logger.log(
      `first sync:  ${result.firstRequests} requests for a minimum of ${result.firstMinimum} (ratio ${ratio(result.firstRequests, result.firstMinimum)}), ${result.rowsWritten} rows written, ${result.firstStatus}`
    )
    this.logger.log(`throughput:  ${result.rowsPerSecond} rows per second`)
    this.logger.log(
      `re-sync:     ${this.changed} changed: ${result.secondRequests} requests for a minimum of ${result.secondMinimum} (ratio ${ratio(result.secondRequests, result.secondMinimum)}), ${result.secondRows} rows written, ${result.secondStatus}`
    )
    this.logger.log(`peak RSS:    ${result.peakRssMiB} MiB`)
  }
}
