import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'

/**
 * npm run bench:jira — a sync of a fake Jira Cloud site: search and
 * changelog requests made versus the minimum that page sizes allow,
 * issues written per second, the requests of an incremental re-sync after
 * 3 issues changed, and the process's peak RSS. One run, against the
 * loopback fake Jira (plugins/jira/tests/fake_jira).
 */
export default class BenchJira extends BaseCommand {
  static commandName = 'bench:jira'
  static description =
    'Benchmark: Jira sync requests versus the minimum, issues/s, incremental re-sync, peak RSS'
  static options: CommandOptions = { startApp: true }
  static defaultNumberBounds = { min: 1, max: 1_000_000 }

  @flags.number({ description: 'Issues on the fake site', default: 5000 })
  declare issues: number

  @flags.number({ description: 'Projects they are spread over', default: 3 })
  declare projects: number

  @flags.number({
    description: 'Every n-th issue has a long history (past what the search returns)',
    default: 20,
  })
  declare longEvery: number

  async run() {
    // fake Jira as the tests start it; the connection and syncs through the SDK
    const { startJira, siteConnection } = await import('../tests/fake_jira/start.js')
    const { addIssue, touch } = await import('../tests/fake_jira/seed.js')

    await benchmark.prepareDatabase()
    const jira = await startJira()
    try {
      const site = jira.site('bench')
      const keys = Array.from({ length: this.projects }, (_, index) => `P${index + 1}`)
      let long = 0
      for (let index = 0; index < this.issues; index++) {
        const churn = index % this.longEvery === 0 ? 30 : 0
        if (churn) long += 1
        addIssue(site, {
          projectKey: keys[index % keys.length],
          type: index % 5 === 0 ? 'Bug' : index % 50 === 0 ? 'Incident' : 'Story',
          created: new Date(Date.UTC(2026, 8, 1) + index * 60_000),
          startedAfter: 1,
          doneAfter: index % 3 === 0 ? 6 : null,
          churn,
        })
      }
      const organization = await benchmark.organization()
      const connection = await benchmark.connect({
        organizationId: organization.id,
        ...siteConnection(jira, 'bench'),
      })
      const runSync = (tasks: string[], options: { full?: boolean } = {}) =>
        benchmark.runSync(connection, tasks, options)

      const searches = () => jira.requestsTo(/search\/jql$/).length
      const changelogs = () => jira.requestsTo(/\/changelog$/).length
      const started = performance.now()
      const [, issues] = await runSync(['projects', 'issues'])
      const seconds = (performance.now() - started) / 1000
      const minimumSearches = Math.ceil(this.issues / 100)
      const firstSearches = searches()
      const firstChangelogs = changelogs()

      for (const issue of [site.issues[1], site.issues[2], site.issues[3]]) touch(issue)
      jira.state.requests = []
      await runSync(['issues'])
      const [again] = jira.requestsTo(/search\/jql$/)

      this.logger.log(
        `fake Jira Cloud: ${this.issues} issues over ${this.projects} projects, ${long} with histories longer than a search returns`
      )
      this.logger.log(
        `first sync:   ${firstSearches} search requests for a minimum of ${minimumSearches} (ratio ${(firstSearches / minimumSearches).toFixed(2)}), ${firstChangelogs} changelog requests for a minimum of ${long}, ${issues.requests} requests in all`
      )
      this.logger.log(
        `throughput:   ${Math.round(this.issues / seconds)} issues per second (${issues.itemsWritten} rows written in ${seconds.toFixed(1)} s)`
      )
      this.logger.log(
        `re-sync:      ${jira.requestsTo(/search\/jql$/).length} search request(s) answered with ${again?.issues?.length ?? 0} issues after 3 changed (the rest: the minute of overlap)`
      )
      this.logger.log(`peak RSS:     ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`)
    } finally {
      await jira.close()
    }
  }
}
