import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { POSITIVE_COUNT } from '#validators/cli'

type Timing = { requests: number; seconds: number; p95: number; failures: number }

/**
 * npm run bench:insights — an organisation of 500 repositories and
 * 100,000 pull requests (the demo generator), then two ratios from the
 * same run on the same machine:
 *
 * - calculate:scores (and the rollup it reads) against one raw
 *   aggregate query over the same pull_requests table;
 * - the incremental refresh after a sync (recent window) against the
 *   whole-history rollup;
 * - Executive Summary requests per second with 50 concurrent signed-in
 *   clients against /health, the framework's bare route (no session,
 *   no database), both served by the real HTTP server in its own
 *   process; with p95 latency and that process's peak RSS.
 */
export default class BenchInsights extends BaseCommand {
  static commandName = 'bench:insights'
  static description =
    'Benchmark: scores vs one raw aggregate; Executive Summary req/s vs a bare route, p95, peak RSS'
  static options: CommandOptions = { startApp: true }
  /** a benchmark of nothing measures nothing */
  static defaultNumberBounds = POSITIVE_COUNT

  @flags.number({ description: 'Repositories in the organisation', default: 500 })
  declare repositories: number

  @flags.number({ description: 'Pull requests in all', default: 100_000 })
  declare pulls: number

  @flags.number({ description: 'Clients in flight at once', default: 50 })
  declare concurrency: number

  @flags.number({ description: 'Requests per measured route', default: 3000 })
  declare requests: number

  @flags.boolean({
    description: 'Serve from the compiled build (node ace build: build/bin/server.js) as deployed',
  })
  declare built?: boolean

  @flags.string({
    description:
      'Node flags of the server: "deployed" (those of deploy/systemd/sextant-web@.service) or "none"',
    default: 'deployed',
  })
  declare serverFlags: string

  @flags.boolean({
    description:
      'Only the HTTP measurement, against the organisation a previous run left in the bench database',
  })
  declare httpOnly?: boolean

  async run() {
    if (this.httpOnly) return this.#httpOnly()
    const { prepareBenchDatabase, inProcessQueryCounter } = await import('#bench/support')
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { createOrganization } = await import('#tests/helpers/factories')
    const { writeInsightsDemoData } = await import('#actions/demo/insights_demo_data')
    const { ensureSampleReferenceData } = await import('#actions/demo/insights_reference_data')
    const { default: RollUpMetrics } = await import('#actions/insights/roll_up_metrics')
    const { default: CalculateScores } = await import('#actions/insights/calculate_scores')
    const { default: RefreshInsights } = await import('#actions/insights/refresh_insights')
    const { markInsightsDirty } = await import('#services/insights/refresh_marks')

    await prepareBenchDatabase()
    const queryCount = await inProcessQueryCounter()
    const engine = db.connection().dialect.name
    const organization = await createOrganization({ name: 'Bench Rockets' })
    let started = performance.now()
    const counts = await writeInsightsDemoData(organization.id, {
      repositories: this.repositories,
      pullRequests: this.pulls,
      months: 6,
      seed: 11,
    })
    await ensureSampleReferenceData()
    const seedSeconds = (performance.now() - started) / 1000

    started = performance.now()
    let queriesBefore = queryCount()
    await new RollUpMetrics().execute({ organizationId: organization.id })
    const rollUpMs = performance.now() - started
    const rollUpQueries = queryCount() - queriesBefore
    // what a sync that wrote today's rows triggers: the recent window,
    // widened for merges still waiting for a deployment
    await markInsightsDirty(organization.id, new Date().toISOString().slice(0, 10))
    started = performance.now()
    const refreshed = await new RefreshInsights().execute({ organizationId: organization.id })
    const refreshMs = performance.now() - started
    started = performance.now()
    queriesBefore = queryCount()
    const scored = await new CalculateScores().execute({ organizationId: organization.id })
    const scoresMs = performance.now() - started
    const scoresQueries = queryCount() - queriesBefore
    const rawMs = await this.#rawAggregate(db, organization.id)

    this.logger.log(
      `database: ${engine}; ${counts.repositories} repositories, ${counts.pullRequests} pull requests, ${counts.commits} commits, ${counts.deployments} deployments (seeded in ${seedSeconds.toFixed(1)} s)`
    )
    this.logger.log(`one raw aggregate over pull_requests: ${rawMs.toFixed(1)} ms (median of 5)`)
    this.logger.log(
      `calculate:scores: ${scoresMs.toFixed(1)} ms (${scored.points} score points, ${scoresQueries} SQL statements) — ratio ${(scoresMs / rawMs).toFixed(2)}`
    )
    this.logger.log(
      `daily rollup (insights:roll-up, all history, ${rollUpQueries} SQL statements): ${rollUpMs.toFixed(1)} ms — ratio ${(rollUpMs / rawMs).toFixed(2)}`
    )
    this.logger.log(
      `daily rollup + scores: ${(rollUpMs + scoresMs).toFixed(1)} ms — ratio ${((rollUpMs + scoresMs) / rawMs).toFixed(2)}`
    )
    this.logger.log(
      `refresh after a sync (days from ${refreshed.from}): ${refreshMs.toFixed(1)} ms — ratio to the whole-history rollup ${(refreshMs / rollUpMs).toFixed(2)}`
    )

    const http = await this.#http(organization)
    const { recordBenchResult } = await import('#bench/support')
    await recordBenchResult('insights', {
      repositories: counts.repositories,
      pullRequests: counts.pullRequests,
      rawAggregateMs: Number(rawMs.toFixed(1)),
      scoresMs: Number(scoresMs.toFixed(1)),
      scoresRatio: Number((scoresMs / rawMs).toFixed(2)),
      scoresQueries,
      rollUpMs: Number(rollUpMs.toFixed(1)),
      rollUpQueries,
      rollUpRatio: Number((rollUpMs / rawMs).toFixed(2)),
      rollUpAndScoresRatio: Number(((rollUpMs + scoresMs) / rawMs).toFixed(2)),
      refreshMs: Number(refreshMs.toFixed(1)),
      refreshToRollUpRatio: Number((refreshMs / rollUpMs).toFixed(3)),
      ...http,
    })
  }

  /** the server measured again without seeding and rolling up (to compare server flags) */
  async #httpOnly() {
    const { default: Organization } = await import('#models/organization')
    const organization = await Organization.query()
      .where('name', 'Bench Rockets')
      .orderBy('id', 'desc')
      .first()
    if (!organization) {
      this.logger.error('No bench organisation in this database: run bench:insights once first')
      this.exitCode = 1
      return
    }
    const { recordBenchResult } = await import('#bench/support')
    await recordBenchResult('insights-http', await this.#http(organization))
  }

  /**
   * The kind of query a page would run without the rollup: one pass over
   * the organisation's pull requests, grouped by repository.
   */
  async #rawAggregate(
    db: typeof import('@adonisjs/lucid/services/db').default,
    organizationId: number
  ) {
    const times: number[] = []
    for (let run = 0; run < 5; run++) {
      const started = performance.now()
      await db.rawQuery(
        `SELECT repository_id, COUNT(*) AS opened, COUNT(merged_at) AS merged,
           SUM(COALESCE(additions, 0) + COALESCE(deletions, 0)) AS changed_lines,
           MIN(opened_at) AS first_opened, MAX(merged_at) AS last_merged
         FROM pull_requests WHERE organization_id = ? GROUP BY repository_id`,
        [organizationId]
      )
      times.push(performance.now() - started)
    }
    return times.sort((a, b) => a - b)[2]
  }

  async #http(organization: import('#models/organization').default) {
    const { startServer, stopServer, waitForOk } = await import('#tests/helpers/processes')
    const { createAccount } = await import('#tests/helpers/accounts')
    const { WebClient } = await import('#tests/helpers/web_client')

    // Production mode, as deployed: compiled templates and asset
    // fingerprints are cached (the bench database and keys stay).
    const {
      serverQueryCounter,
      processRss,
      processCpuMs,
      serverNodeOptions,
      deployedNodeFlags,
      deployedNodeEnv,
    } = await import('#bench/support')
    const { isAbsolute, resolve } = await import('node:path')
    const queries = await serverQueryCounter('insights')
    const nodeFlags = this.serverFlags === 'none' ? [] : await deployedNodeFlags()
    const nodeEnv = this.serverFlags === 'none' ? {} : await deployedNodeEnv()
    const sqlitePath = process.env.SQLITE_PATH
    const server = await startServer(
      {
        ...queries.env,
        ...serverNodeOptions(),
        ...nodeEnv,
        LOG_LEVEL: 'error',
        NODE_ENV: 'production',
        ADMIN_PATH: `/bench-admin-${Date.now().toString(36)}`,
        // the built server runs from build/: the same database file
        ...(sqlitePath && !isAbsolute(sqlitePath) ? { SQLITE_PATH: resolve(sqlitePath) } : {}),
      },
      { built: this.built, nodeFlags }
    )
    this.logger.log(
      `server: ${this.built ? 'build/bin/server.js' : 'bin/server.ts (sources)'}, node flags: ${nodeFlags.join(' ') || 'none'}${Object.entries(
        nodeEnv
      )
        .map(([name, value]) => `, ${name}=${value}`)
        .join('')}`
    )
    try {
      const base = `http://127.0.0.1:${server.port}`
      await waitForOk(`${base}/health`)
      const idle = await processRss(server.child.pid!)
      // One signed-in session per client (password and TOTP, as a person
      // would), ten sign-ins at a time.
      const clients: InstanceType<typeof WebClient>[] = []
      for (let batch = 0; batch < this.concurrency; batch += 10) {
        const size = Math.min(10, this.concurrency - batch)
        const accounts = []
        for (let index = 0; index < size; index++) {
          accounts.push(await createAccount({ organization, role: 'viewer' }))
        }
        clients.push(
          ...(await Promise.all(
            accounts.map(async (account) => {
              const client = new WebClient(base)
              await client.signIn(account.email, account.password, account.totpSecret!)
              return client
            })
          ))
        )
      }
      // sign-ins hash passwords (scrypt, 16 MiB each, on libuv's threads)
      const signedIn = await processRss(server.child.pid!)
      const summary = (client: InstanceType<typeof WebClient>) =>
        fetch(`${base}/insights`, {
          headers: { cookie: client.cookieHeader(), accept: 'text/html' },
        })
      const first = await summary(clients[0])
      const body = await first.text()
      if (first.status !== 200 || !body.includes('Executive Summary')) {
        throw new Error(`the Executive Summary answered ${first.status}`)
      }

      const pid = server.child.pid!
      const cpuAtStart = await processCpuMs(pid)
      const bare = await this.#measure((index) => fetch(`${base}/health`).then(() => index))
      const cpuAfterBare = await processCpuMs(pid)
      const queriesBefore = await queries.read()
      const page = await this.#measure((index) => summary(clients[index % clients.length]))
      const queriesPerPage = ((await queries.read()) - queriesBefore) / page.requests
      const cpuAfterPage = await processCpuMs(pid)
      // the server's CPU per request: on a shared machine its rate moves
      // with the load, its CPU time far less
      const cpuPer = (from: number | null, to: number | null, requests: number) =>
        from === null || to === null ? null : (to - from) / requests
      const bareCpuMs = cpuPer(cpuAtStart, cpuAfterBare, bare.requests)
      const pageCpuMs = cpuPer(cpuAfterBare, cpuAfterPage, page.requests)
      const { peak } = await processRss(server.child.pid!)

      this.logger.log(
        `HTTP, ${this.concurrency} concurrent clients, ${this.requests} requests per route (server in its own process, production mode)`
      )
      this.logger.log(this.#line('bare route (/health)', bare))
      this.logger.log(this.#line('Executive Summary  ', page))
      this.logger.log(
        `ratio Executive Summary / bare route: ${(page.requests / page.seconds / (bare.requests / bare.seconds)).toFixed(3)}; SQL statements per page: ${queriesPerPage.toFixed(2)}`
      )
      if (bareCpuMs !== null && pageCpuMs !== null) {
        this.logger.log(
          `server CPU per request: bare route ${bareCpuMs.toFixed(2)} ms, Executive Summary ${pageCpuMs.toFixed(2)} ms; ratio ${(bareCpuMs / pageCpuMs).toFixed(3)}`
        )
      }
      this.logger.log(
        `server RSS idle after boot: ${idle.current} MiB; peak after the sign-ins: ${signedIn.peak} MiB; server peak RSS: ${peak} MiB; bench process peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`
      )
      const rate = (timing: Timing) => timing.requests / timing.seconds
      return {
        bareRequestsPerSecond: Math.round(rate(bare)),
        summaryRequestsPerSecond: Math.round(rate(page)),
        summaryRatio: Number((rate(page) / rate(bare)).toFixed(3)),
        summaryP95Ms: Number(page.p95.toFixed(1)),
        summaryFailures: page.failures,
        bareCpuMs: bareCpuMs === null ? null : Number(bareCpuMs.toFixed(3)),
        summaryCpuMs: pageCpuMs === null ? null : Number(pageCpuMs.toFixed(3)),
        queriesPerPage: Number(queriesPerPage.toFixed(2)),
        server: this.built ? 'build' : 'sources',
        serverNodeFlags: nodeFlags.join(' ') || 'none',
        serverIdleRssMiB: idle.current,
        serverSignedInPeakRssMiB: signedIn.peak,
        serverPeakRssMiB: peak,
      }
    } catch (error) {
      // what the server said is the clue (it may have exited)
      this.logger.error(`server output (last lines):\n${server.output().slice(-3000)}`)
      const cause = error instanceof Error ? error.cause : null
      if (cause)
        this.logger.error(`cause: ${cause instanceof Error ? cause.message : String(cause)}`)
      throw error
    } finally {
      await stopServer(server)
    }
  }

  async #measure(call: (index: number) => Promise<unknown>): Promise<Timing> {
    const latencies: number[] = []
    let next = 0
    let failures = 0
    const started = performance.now()
    const worker = async () => {
      while (next < this.requests) {
        const index = next++
        const begun = performance.now()
        const response = await call(index)
        if (response instanceof Response) {
          await response.arrayBuffer()
          if (response.status !== 200) failures += 1
        }
        latencies.push(performance.now() - begun)
      }
    }
    await Promise.all(Array.from({ length: this.concurrency }, worker))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    return {
      requests: latencies.length,
      seconds,
      p95: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))],
      failures,
    }
  }

  #line(label: string, timing: Timing) {
    return `${label}: ${(timing.requests / timing.seconds).toFixed(0)} req/s, p95 ${timing.p95.toFixed(1)} ms${timing.failures ? `, ${timing.failures} non-200` : ''}`
  }
}
