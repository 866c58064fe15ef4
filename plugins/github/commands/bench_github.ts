import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'

/**
 * npm run bench:github — a sync of a fake GitHub organisation: requests
 * made versus the minimum that page sizes allow, the 304 share of an
 * immediate re-sync, items written per second and the process's peak
 * RSS. Ratios and counts from one run, against the loopback fake GitHub.
 */
export default class BenchGitHub extends BaseCommand {
  static commandName = 'bench:github'
  static description =
    'Benchmark: GitHub sync requests versus the minimum, 304 share, items/s, peak RSS'
  static options: CommandOptions = { startApp: true }
  /** a benchmark of nothing measures nothing */
  static defaultNumberBounds = { min: 1, max: 1_000_000 }

  @flags.number({ description: 'Repositories in the fake organisation', default: 50 })
  declare repositories: number

  @flags.number({ description: 'Pull requests per repository', default: 200 })
  declare pulls: number

  @flags.boolean({
    description: 'Also read each pull request in detail (size, reviews, first commit)',
  })
  declare details?: boolean

  async run() {
    // fake GitHub and the App the tests register with it; the rest through the SDK
    const { startGitHub, installationConnection } = await import('../tests/fake_github/app.js')
    const { withEnv } = await import('#plugin-sdk/testing')

    await benchmark.prepareDatabase()
    // the sync reads the detail window from the plugin's declared setting
    const restoreEnv = withEnv({ GITHUB_PR_DETAIL_DAYS: this.details ? '3650' : '0' })
    const github = await startGitHub()
    try {
      github.addInstallation({ id: 1, account: { login: 'bench', type: 'Organization' } })
      github.seedOrganization(1, this.repositories, this.pulls)
      const organization = await benchmark.organization()
      const connection = await benchmark.connect({
        organizationId: organization.id,
        ...installationConnection(1),
      })
      const runSync = (tasks: string[]) => benchmark.runSync(connection, tasks)
      await runSync(['repositories'])

      const isPullList = (path: string) => /^\/repos\/[^/]+\/[^/]+\/pulls(\?|$)/.test(path)
      const minimum = this.repositories * Math.ceil(this.pulls / 100)
      github.resetRequests()
      const queryCount = await benchmark.queryCounter()
      const queriesBefore = queryCount()
      const started = performance.now()
      const [first] = await runSync(['pull_requests'])
      const seconds = (performance.now() - started) / 1000
      const queries = queryCount() - queriesBefore
      const lists = github.requests.filter((request) => isPullList(request.path)).length
      github.resetRequests()
      const [second] = await runSync(['pull_requests'])
      const repeated = github.requests.filter((request) => isPullList(request.path))
      const notModified = repeated.filter((request) => request.status === 304).length

      this.logger.log(
        `fake GitHub: ${this.repositories} repositories × ${this.pulls} pull requests, pages of 100${this.details ? ', with details' : ''}`
      )
      this.logger.log(
        `first sync:   ${lists} list requests for a minimum of ${minimum} (ratio ${(lists / minimum).toFixed(2)}), ${first.requests} requests in all, ${first.itemsWritten} rows written`
      )
      this.logger.log(`throughput:   ${Math.round(first.itemsWritten / seconds)} rows per second`)
      this.logger.log(
        `re-sync:      ${repeated.length} list requests, ${notModified} answered 304 (304 share ${((notModified / Math.max(1, repeated.length)) * 100).toFixed(1)}%), ${second.itemsWritten} rows written`
      )
      this.logger.log(`installation tokens minted: ${github.tokensIssued}`)
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024)
      this.logger.log(`peak RSS:     ${peakRssMiB} MiB`)
      this.logger.log(
        `SQL statements: ${queries} for the first sync, ${(queries / Math.max(1, lists)).toFixed(1)} per page of pull requests`
      )
      await benchmark.record('github', {
        repositories: this.repositories,
        pullsPerRepository: this.pulls,
        listRequestsRatio: Number((lists / minimum).toFixed(2)),
        rowsPerSecond: Math.round(first.itemsWritten / seconds),
        queriesPerPage: Number((queries / Math.max(1, lists)).toFixed(1)),
        peakRssMiB,
      })
    } finally {
      restoreEnv()
      await github.stop()
    }
  }
}
