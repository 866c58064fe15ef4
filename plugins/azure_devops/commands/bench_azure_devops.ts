import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'

/**
 * npm run bench:azure-devops — a sync of a fake Azure DevOps organisation
 * on loopback: pull request list requests versus the minimum `$top=100`
 * pages allow, what an unchanged re-sync reads and writes, rows written
 * per second and the process's peak RSS. Numbers from one run.
 */
export default class BenchAzureDevOps extends BaseCommand {
  static commandName = 'bench:azure-devops'
  static description =
    'Benchmark: Azure DevOps sync requests versus the minimum, unchanged re-sync, rows/s, peak RSS'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Repositories in the fake organisation', default: 20 })
  declare repositories: number

  @flags.number({ description: 'Pull requests per repository', default: 200 })
  declare pulls: number

  async run() {
    if (!(this.repositories > 0) || !(this.pulls > 0)) {
      this.logger.error('--repositories and --pulls must be positive numbers')
      this.exitCode = 1
      return
    }
    // fake Azure DevOps, as the tests start it; the rest through the SDK
    const { startAzure, azureConnection } = await import('../tests/fake_azure/organization.js')

    await benchmark.prepareDatabase()
    const azure = await startAzure()
    try {
      azure.seed(this.repositories, this.pulls)
      const organization = await benchmark.organization()
      const connection = await benchmark.connect({
        organizationId: organization.id,
        ...azureConnection(azure),
      })
      const runSync = (tasks: string[]) => benchmark.runSync(connection, tasks)
      await runSync(['repositories'])

      const isPullList = (path: string) => /\/pullrequests$/i.test(path)
      // newest first in pages of 100; the page that ends the list is the first shorter than 100
      const minimum = this.repositories * (Math.floor(this.pulls / 100) + 1)
      azure.requests.length = 0
      const started = performance.now()
      const [first] = await runSync(['pull_requests'])
      const seconds = (performance.now() - started) / 1000
      const lists = azure.requests.filter((request) => isPullList(request.path)).length
      azure.requests.length = 0
      const [second] = await runSync(['pull_requests'])
      const repeated = azure.requests.filter((request) => isPullList(request.path)).length

      this.logger.log(
        `fake Azure DevOps: ${this.repositories} repositories × ${this.pulls} pull requests (two open each), $top=100`
      )
      this.logger.log(
        `first sync:   ${lists} list requests for a minimum of ${minimum} (ratio ${(lists / minimum).toFixed(2)}), ${first.requests} requests in all, ${first.itemsWritten} rows written`
      )
      this.logger.log(`throughput:   ${Math.round(first.itemsWritten / seconds)} rows per second`)
      this.logger.log(
        `re-sync:      ${repeated} list requests (${((repeated / Math.max(1, lists)) * 100).toFixed(1)}% of the first), ${second.itemsWritten} rows written (unchanged share ${(100 - (second.itemsWritten / Math.max(1, first.itemsWritten)) * 100).toFixed(1)}%)`
      )
      this.logger.log(`peak RSS:     ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`)
    } finally {
      await azure.close()
    }
  }
}
