import {
  BaseCommand,
  benchmark,
  flags,
  type BenchConnection,
  type CommandOptions,
} from '#plugin-sdk'
import { PAGE_SIZE } from '../client.js'

/**
 * npm run bench:snyk — a token seeing 2 Snyk organisations with 300
 * projects and 20,000 issues between them, on the fake Snyk the tests
 * use: requests sent against the minimum (one per 100 rows of each
 * list), rows written per second and the peak RSS, for the first sync
 * and for the next one with 10 issues changed.
 */
export default class BenchSnyk extends BaseCommand {
  static commandName = 'bench:snyk'
  static description = 'Benchmark: Snyk sync requests vs the minimum, rows/s and peak RSS'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Projects per organisation', default: 150 })
  declare projects: number

  @flags.number({ description: 'Issues per organisation', default: 10_000 })
  declare issues: number

  async run() {
    // fake Snyk as the tests start it; the connections and syncs through the SDK
    const { startSnyk, seedToken, TOKEN } = await import('../tests/fake_snyk_start.js')
    await benchmark.prepareDatabase()
    const snyk = await startSnyk()
    try {
      const member = await benchmark.memberWithToken()
      const orgs = seedToken(snyk, ['Acme', 'Beta'])
      const perProject = Math.ceil(this.issues / this.projects)
      for (const org of orgs) {
        for (let p = 0; p < this.projects; p++) {
          const project = snyk.addProject(org.id, {
            name: `acme/service-${p}:package.json`,
            url: `https://github.com/acme/service-${p}`,
          })
          for (let i = 0; i < perProject && snyk.issues.get(org.id)!.length < this.issues; i++) {
            snyk.addIssue(org.id, project.id, {
              effective_severity_level: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
            })
          }
        }
      }
      // as the connect form leaves a connection once its test has named the organisation
      const connections: BenchConnection[] = []
      for (const org of orgs) {
        connections.push(
          await benchmark.connect({
            organizationId: member.organizationId,
            pluginId: 'snyk',
            accountKey: org.id,
            credentials: { token: TOKEN },
            config: {
              organization: org.id,
              orgName: org.attributes.name,
              orgSlug: org.attributes.slug,
            },
          })
        )
      }
      const sync = async (connection: BenchConnection) => {
        const [run] = await benchmark.runSync(connection, ['vulnerabilities'])
        return run
      }
      const minimum = (changedIssues: number) =>
        orgs.length * Math.ceil(this.projects / PAGE_SIZE) +
        orgs.length * Math.max(1, Math.ceil(changedIssues / PAGE_SIZE))

      snyk.requests = []
      let started = performance.now()
      for (const connection of connections) {
        const run = await sync(connection)
        if (run.status !== 'succeeded') throw new Error(run.error ?? 'sync failed')
      }
      const firstMs = performance.now() - started
      const first = snyk.requests.length

      const [acme] = orgs
      for (const issue of snyk.issues.get(acme.id)!.slice(0, 10)) {
        snyk.updateIssue(acme.id, issue.id, { status: 'resolved' }, '2026-12-31T00:00:00.000Z')
      }
      snyk.requests = []
      started = performance.now()
      for (const connection of connections) await sync(connection)
      const nextMs = performance.now() - started
      const next = snyk.requests.length

      const rows = orgs.length * this.issues
      const rss = Math.round(process.resourceUsage().maxRSS / 1024)
      this.logger.log(
        `first sync: ${orgs.length * this.projects} projects, ${rows} issues: ${first} requests (minimum ${minimum(this.issues)}), ${Math.round(firstMs)} ms, ${Math.round((rows * 1000) / firstMs)} issues/s`
      )
      this.logger.log(
        `next sync, 10 issues changed: ${next} requests (minimum ${minimum(10)}), ${Math.round(nextMs)} ms`
      )
      this.logger.log(`peak RSS: ${rss} MB`)
    } finally {
      await snyk.stop()
    }
  }
}
