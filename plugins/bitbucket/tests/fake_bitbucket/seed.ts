import { createHash, randomUUID } from 'node:crypto'
import { fakeUser, type FakePullRequest, type FakeRepository, type FakeState } from './state.js'

const EPOCH = Date.parse('2026-06-01T00:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00')
export const sha = (text: string) => createHash('sha1').update(text).digest('hex')

const alice = fakeUser('alice')
const bob = fakeUser('bob')

/** a description in both fields Bitbucket fills (its `html` is not read) */
export function described(text: string): Pick<FakePullRequest, 'description' | 'summary'> {
  return {
    description: text,
    summary: { type: 'rendered', raw: text, markup: 'markdown', html: `<p>${text}</p>` },
  }
}

/** a pull request as Bitbucket returns it, with a reviewer, activity and diffstat */
export function pullRequest(repository: string, id: number, at: number): FakePullRequest {
  const state = (['MERGED', 'OPEN', 'DECLINED'] as const)[id % 3]
  const created = at - 3 * 3600_000
  const approvedAt = at - 2 * 3600_000
  const head = sha(`${repository}#${id}`)
  const activity: Array<Record<string, unknown>> = [
    { comment: { created_on: iso(created + 1800_000), user: bob } },
    { approval: { date: iso(approvedAt), user: bob } },
  ]
  if (state === 'MERGED')
    activity.unshift({ update: { state: 'MERGED', date: iso(at), author: bob } })
  return {
    id,
    title: `Change ${id} of ${repository}`,
    state,
    author: alice,
    source: { branch: { name: `feature/${id}` }, commit: { hash: head.slice(0, 12) } },
    destination: { branch: { name: 'main' }, commit: { hash: sha(`base${id}`).slice(0, 12) } },
    merge_commit: state === 'MERGED' ? { hash: sha(`merge${id}`).slice(0, 12) } : null,
    created_on: iso(created),
    updated_on: iso(at),
    comment_count: 1,
    ...described(`Change ${id}, as its author wrote it.`),
    participants: [
      {
        user: alice,
        role: 'PARTICIPANT',
        approved: false,
        state: null,
        participated_on: iso(created),
      },
      {
        user: bob,
        role: 'REVIEWER',
        approved: true,
        state: 'approved',
        participated_on: iso(approvedAt),
      },
    ],
    activity,
    diffstat: [
      { status: 'modified', lines_added: 10 + id, lines_removed: 2 },
      { status: 'added', lines_added: 5, lines_removed: 0 },
    ],
    // newest first, as Bitbucket lists them; the head's hash is the source commit's in full.
    // An open pull request's first commit is AI-assisted (a Co-authored-by trailer).
    commits: [
      {
        hash: head,
        message: `Change ${id}: finish`,
        date: iso(created),
        author: alice,
        raw: 'Alice <alice@example.com>',
        parents: [
          {
            hash: state === 'OPEN' ? sha(`${repository}#${id}~1`) : sha(`base${id}`),
            type: 'commit',
          },
        ],
      },
      ...(state === 'OPEN'
        ? [
            {
              hash: sha(`${repository}#${id}~1`),
              message: `Change ${id}: draft\n\nCo-authored-by: Claude <noreply@anthropic.com>`,
              date: iso(created - 600_000),
              author: alice,
              raw: 'Alice <alice@example.com>',
              parents: [{ hash: sha(`base${id}`), type: 'commit' as const }],
            },
          ]
        : []),
    ],
  }
}

/** a workspace with `repositories` repositories of `pulls` pull requests each */
export function seedWorkspace(
  state: FakeState,
  slug: string,
  repositories: number,
  pulls: number,
  name = slug.toUpperCase()
) {
  if (!state.workspaces.some((workspace) => workspace.slug === slug)) {
    state.workspaces.push({ uuid: `{${randomUUID()}}`, slug, name })
  }
  for (let r = 0; r < repositories; r++) {
    const repoSlug = `repo-${String(r).padStart(2, '0')}`
    const pullRequests: FakePullRequest[] = []
    for (let p = 1; p <= pulls; p++) {
      pullRequests.push(pullRequest(`${slug}/${repoSlug}`, p, EPOCH + (r * pulls + p) * 60_000))
    }
    const commits = [0, 1, 2].map((c) => ({
      hash: sha(`${slug}/${repoSlug}@${c}`),
      message:
        c === 0
          ? `Add the parser\n\nCo-authored-by: Claude <noreply@anthropic.com>`
          : `Commit ${c} on ${repoSlug}`,
      date: iso(EPOCH + r * 1000 - c * 3600_000),
      author: alice,
      raw: 'Alice <alice@example.com>',
      // each the parent of the one before it; the oldest is the root
      parents:
        c < 2 ? [{ hash: sha(`${slug}/${repoSlug}@${c + 1}`), type: 'commit' as const }] : [],
    }))
    const repository: FakeRepository = {
      uuid: `{${randomUUID()}}`,
      workspace: slug,
      slug: repoSlug,
      name: repoSlug,
      mainbranch: 'main',
      updated_on: iso(EPOCH + r * 1000),
      language: 'typescript',
      is_private: true,
      pullRequests,
      commits,
      pipelines: [
        {
          uuid: `{${randomUUID()}}`,
          build_number: 7,
          state: { name: 'COMPLETED', result: { name: 'SUCCESSFUL' } },
          target: { ref_name: 'main', commit: { hash: commits[0].hash } },
          created_on: iso(EPOCH + r * 1000 - 600_000),
          completed_on: iso(EPOCH + r * 1000 - 300_000),
        },
        {
          uuid: `{${randomUUID()}}`,
          build_number: 6,
          state: { name: 'COMPLETED', result: { name: 'FAILED' } },
          target: { ref_name: 'main', commit: { hash: commits[1].hash } },
          created_on: iso(EPOCH + r * 1000 - 7200_000),
          completed_on: iso(EPOCH + r * 1000 - 7000_000),
        },
      ],
      environments: [
        { uuid: `{env-prod-${r}}`, name: 'Production' },
        { uuid: `{env-staging-${r}}`, name: 'Staging' },
      ],
      deployments: [
        {
          type: 'deployment',
          uuid: `{${randomUUID()}}`,
          state: {
            type: 'deployment_state_completed',
            name: 'COMPLETED',
            status: { type: 'deployment_state_completed_status_successful', name: 'SUCCESSFUL' },
            url: `https://bitbucket.org/${slug}/${repoSlug}/pipelines/results/7`,
            start_date: iso(EPOCH + r * 1000 - 200_000),
            completion_date: iso(EPOCH + r * 1000 - 100_000),
          },
          environment: { type: 'deployment_environment', uuid: `{env-prod-${r}}` },
          release: {
            type: 'deployment_release',
            commit: { type: 'commit', hash: commits[0].hash },
          },
        },
        {
          type: 'deployment',
          uuid: `{${randomUUID()}}`,
          state: {
            type: 'deployment_state_completed',
            name: 'COMPLETED',
            status: { type: 'deployment_state_completed_status_failed', name: 'FAILED' },
            start_date: iso(EPOCH + r * 1000 - 5000_000),
            completion_date: iso(EPOCH + r * 1000 - 4900_000),
          },
          environment: { type: 'deployment_environment', uuid: `{env-staging-${r}}` },
          release: {
            type: 'deployment_release',
            commit: { type: 'commit', hash: commits[1].hash },
          },
        },
        {
          type: 'deployment',
          uuid: `{${randomUUID()}}`,
          state: { type: 'deployment_state_undeployed', name: 'UNDEPLOYED' },
          environment: { type: 'deployment_environment', uuid: `{env-staging-${r}}` },
          release: {
            type: 'deployment_release',
            commit: { type: 'commit', hash: commits[0].hash },
          },
        },
      ],
      tarballs: new Map(),
    }
    state.repositories.set(`${slug}/${repoSlug}`, repository)
  }
}

/** the pull request becomes the most recently updated one */
export function touchPullRequest(state: FakeState, fullName: string, id: number, title: string) {
  const pull = state.repositories.get(fullName)!.pullRequests.find((p) => p.id === id)!
  pull.title = title
  pull.updated_on = iso(Date.now())
  return pull
}
