import RunSync from '#actions/sync/run_sync'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace, touchPullRequest } from './fake_bitbucket/seed.js'
import { startFakeBitbucket } from './fake_bitbucket/server.js'
import { oauthConnection } from './testbed.js'

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
    const connection = await oauthConnection(bitbucket, await createOrganization(), 'bench')
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })

    bitbucket.resetRequests()
    const started = performance.now()
    const [first] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    const seconds = (performance.now() - started) / 1000
    const firstRequests = bitbucket.state.requests.length

    for (let index = 0; index < options.changed; index++) {
      const repository = `bench/repo-${String(index % options.repositories).padStart(2, '0')}`
      touchPullRequest(bitbucket.state, repository, 1 + index, `Changed ${index}`)
    }
    bitbucket.resetRequests()
    const [second] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
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
