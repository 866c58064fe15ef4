import { benchmark } from '#plugin-sdk'
import { seedWorkspace, touchPullRequest } from './seed.js'
import { startFakeBitbucket } from './server.js'

const PULLS_PER_PAGE = 50

/**
 * One benchmark run against fake Bitbucket on loopback: the first sync
 * of `repositories` × `pulls` pull requests, then a re-sync after two
 * pull requests changed. Returns the figures; the command prints them.
 */
export async function runBitbucketBenchmark(options: {
  repositories: number
  pulls: number
  changed: number
}) {
  process.env.BITBUCKET_PR_DETAIL_DAYS = '0'
  const bitbucket = await startFakeBitbucket()
  try {
    seedWorkspace(bitbucket.state, 'bench', options.repositories, options.pulls)
    const organization = await benchmark.organization()
    const { accessToken, refreshToken } = bitbucket.issueTokens()
    const connection = await benchmark.connect({
      organizationId: organization.id,
      pluginId: 'bitbucket',
      accountKey: 'bench',
      config: { workspace: 'bench' },
      credentials: { accessToken, refreshToken, expiresAt: String(Date.now() + 7200_000) },
      authMethod: 'oauth',
    })
    const runSync = (tasks: string[]) => benchmark.runSync(connection, tasks)
    await runSync(['repositories'])

    bitbucket.resetRequests()
    const started = performance.now()
    const [first] = await runSync(['pull_requests'])
    const seconds = (performance.now() - started) / 1000
    const firstRequests = bitbucket.state.requests.length

    for (let index = 0; index < options.changed; index++) {
      const repository = `bench/repo-${String(index % options.repositories).padStart(2, '0')}`
      touchPullRequest(bitbucket.state, repository, 1 + index, `Changed ${index}`)
    }
    bitbucket.resetRequests()
    const [second] = await runSync(['pull_requests'])
    return {
      firstStatus: first.status,
      firstRequests,
      firstMinimum: options.repositories * Math.ceil(options.pulls / PULLS_PER_PAGE),
      rowsWritten: first.itemsWritten,
      rowsPerSecond: Math.round(first.itemsWritten / seconds),
      secondStatus: second.status,
      secondRequests: bitbucket.state.requests.length,
      secondMinimum: options.repositories,
      secondRows: second.itemsWritten,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }
  } finally {
    delete process.env.BITBUCKET_PR_DETAIL_DAYS
    await bitbucket.stop()
  }
}
