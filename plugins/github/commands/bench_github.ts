import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'

/**
 * npm run bench:github — a sync of a fake GitHub organisation: requests
 * made versus the minimum that page sizes allow, the 304 share of an
 * immediate re-sync, items written per second and the process's peak
 * RSS during the sync, at two sizes in one run (by default 10,000 and
 * 100,000 pull requests) so their ratio says whether memory follows the
 * size. Fake GitHub runs in a process of its own (its seeded data would
 * otherwise be most of the RSS measured).
 */
export default class BenchGitHub extends BaseCommand {
  static commandName = 'bench:github'
  static description =
    'Benchmark: GitHub sync requests versus the minimum, 304 share, items/s, peak RSS at two sizes'
  static options: CommandOptions = { startApp: true }
  /** a benchmark of nothing measures nothing */
  static defaultNumberBounds = { min: 0, max: 1_000_000 }

  @flags.number({ description: 'Repositories in the fake organisation', default: 50 })
  declare repositories: number

  @flags.number({ description: 'Pull requests per repository', default: 200 })
  declare pulls: number

  @flags.number({
    description: 'Pull requests per repository of the second, larger organisation (0: none)',
    default: 2000,
  })
  declare largePulls: number

  @flags.boolean({
    description: 'Also read each pull request in detail (size, reviews, first commit)',
  })
  declare details?: boolean

  async run() {
    if (this.repositories < 1 || this.pulls < 1) {
      this.logger.error('--repositories and --pulls must be at least 1')
      this.exitCode = 1
      return
    }
    const { startGitHubProcess } = await import('../tests/fake_github/process_client.js')
    const { installationConnection } = await import('../tests/fake_github/app.js')
    const { withEnv } = await import('#plugin-sdk/testing')

    await benchmark.prepareDatabase()
    // the sync reads the detail window from the plugin's declared setting
    const restoreEnv = withEnv({ GITHUB_PR_DETAIL_DAYS: this.details ? '3650' : '0' })
    const github = await startGitHubProcess()
    try {
      const sizes = [this.pulls, ...(this.largePulls > 0 ? [this.largePulls] : [])]
      const results: Array<{ pulls: number; peakRssMiB: number; rowsPerSecond: number }> = []
      for (const [index, pulls] of sizes.entries()) {
        results.push(await this.#measure(github, index + 1, pulls, installationConnection))
      }
      const [small, large] = results
      const ratio = large ? large.peakRssMiB / small.peakRssMiB : null
      if (large) {
        this.logger.log(
          `peak RSS ${large.pulls * this.repositories} ÷ ${small.pulls * this.repositories} pull requests: ${large.peakRssMiB} ÷ ${small.peakRssMiB} MiB = ${ratio!.toFixed(2)}`
        )
      }
      await benchmark.record('github', {
        repositories: this.repositories,
        pullsPerRepository: this.pulls,
        ...small,
        peakRssMiB: small.peakRssMiB,
        largePullsPerRepository: large?.pulls ?? null,
        largePeakRssMiB: large?.peakRssMiB ?? null,
        largeRowsPerSecond: large?.rowsPerSecond ?? null,
        peakRssRatio: ratio === null ? null : Number(ratio.toFixed(2)),
      })
    } finally {
      restoreEnv()
      await github.stop()
    }
  }

  /** one organisation of `pulls` per repository: its first sync, then an immediate re-sync */
  async #measure(
    github: Awaited<
      ReturnType<typeof import('../tests/fake_github/process_client.js').startGitHubProcess>
    >,
    installationId: number,
    pulls: number,
    installationConnection: typeof import('../tests/fake_github/app.js').installationConnection
  ) {
    await github.addInstallation(installationId, `bench-${installationId}`)
    await github.seedOrganization(installationId, this.repositories, pulls)
    const organization = await benchmark.organization()
    const connection = await benchmark.connect({
      organizationId: organization.id,
      ...installationConnection(installationId),
    })
    const runSync = (tasks: string[]) => benchmark.runSync(connection, tasks)
    await runSync(['repositories'])

    const isPullList = (path: string) => /^\/repos\/[^/]+\/[^/]+\/pulls(\?|$)/.test(path)
    const minimum = this.repositories * Math.ceil(pulls / 100)
    await github.resetRequests()
    const queryCount = await benchmark.queryCounter()
    const queriesBefore = queryCount()
    const before = await resetPeakRss()
    const sampler = rssSampler()
    const started = performance.now()
    const [first] = await runSync(['pull_requests'])
    const seconds = (performance.now() - started) / 1000
    const peak = await peakRss()
    // the task's pages first, then the insights refresh the run ends with
    const { pagesPeak, afterPeak, heapPeak } = sampler.stop(started + first.durationMs)
    const queries = queryCount() - queriesBefore
    const { requests: listed } = await github.requests()
    const lists = listed.filter((request) => isPullList(request.path)).length
    await github.resetRequests()
    const [second] = await runSync(['pull_requests'])
    const { requests: again, tokensIssued } = await github.requests()
    const repeated = again.filter((request) => isPullList(request.path))
    const notModified = repeated.filter((request) => request.status === 304).length

    this.logger.log(
      `fake GitHub: ${this.repositories} repositories × ${pulls} pull requests (${this.repositories * pulls}), pages of 100${this.details ? ', with details' : ''}`
    )
    this.logger.log(
      `first sync:   ${lists} list requests for a minimum of ${minimum} (ratio ${(lists / minimum).toFixed(2)}), ${first.requests} requests in all, ${first.itemsWritten} rows written, ${first.status}`
    )
    this.logger.log(
      `throughput:   ${Math.round(first.itemsWritten / seconds)} rows per second (${seconds.toFixed(1)} s, insights refresh included)`
    )
    this.logger.log(
      `re-sync:      ${repeated.length} list requests, ${notModified} answered 304 (304 share ${((notModified / Math.max(1, repeated.length)) * 100).toFixed(1)}%), ${second.itemsWritten} rows written`
    )
    this.logger.log(`installation tokens minted: ${tokensIssued}`)
    this.logger.log(
      `RSS:          ${before} MiB before the sync, peak ${peak} MiB during it (${peak - before} MiB more; sampled: ${pagesPeak} MiB during the pages, ${afterPeak} MiB during the insights refresh; JS heap peak ${heapPeak} MiB)`
    )
    this.logger.log(
      `SQL statements: ${queries} for the first sync, ${(queries / Math.max(1, lists)).toFixed(1)} per page of pull requests`
    )
    return {
      pulls,
      listRequestsRatio: Number((lists / minimum).toFixed(2)),
      rowsPerSecond: Math.round(first.itemsWritten / seconds),
      queriesPerPage: Number((queries / Math.max(1, lists)).toFixed(1)),
      rssBeforeMiB: before,
      peakRssMiB: peak,
    }
  }
}

/**
 * Resets this process's high-water mark (VmHWM) to its current RSS
 * (Linux: "5" written to /proc/self/clear_refs), so the next reading is
 * the peak of what follows alone; answers the current RSS in MiB.
 */
async function resetPeakRss(): Promise<number> {
  const { writeFile } = await import('node:fs/promises')
  await writeFile('/proc/self/clear_refs', '5')
  const { current } = await status()
  return current
}

/** RSS and JS heap every 20 ms, to tell the pages' peak from the insights refresh's */
function rssSampler() {
  const samples: Array<[number, number, number]> = []
  const timer = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage()
    samples.push([performance.now(), Math.round(rss / 1048576), Math.round(heapUsed / 1048576)])
  }, 20)
  return {
    stop(pagesEnd: number) {
      clearInterval(timer)
      const max = (list: typeof samples, field: 1 | 2) =>
        list.reduce((peak, sample) => Math.max(peak, sample[field]), 0)
      const pages = samples.filter(([at]) => at <= pagesEnd)
      const after = samples.filter(([at]) => at > pagesEnd)
      return {
        pagesPeak: max(pages, 1),
        afterPeak: max(after, 1),
        heapPeak: max(samples, 2),
      }
    },
  }
}

async function peakRss(): Promise<number> {
  const { peak } = await status()
  return peak
}

async function status() {
  const { readFile } = await import('node:fs/promises')
  const text = await readFile('/proc/self/status', 'utf8')
  const mib = (name: string) =>
    Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) / 1024)
  return { peak: mib('VmHWM'), current: mib('VmRSS') }
}
