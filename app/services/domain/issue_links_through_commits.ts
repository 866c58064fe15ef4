import db from '@adonisjs/lucid/services/db'
import { commitShasOf } from '#services/ai_code/attestations'
import { linkIssuesToPullRequests } from '#services/domain/issue_links'

/**
 * A pull request whose commits name an issue (`ENG-42: retry` in a
 * commit message) is linked to that issue, as one naming it in its title
 * or branch is (issue_pull_requests). The three facts arrive in any
 * order — the issue (a tracker's sync or webhook), the commit (a code
 * host's sync or push) and the pull request with the SHAs of its commits
 * (commit_shas) — so each write looks for the other two:
 *
 * - pull requests written: their commits (same repository, by SHA) that
 *   already link issues (issue_commits);
 * - commits or issues written: the commits that now link issues, and the
 *   pull requests of the same repository listing those SHAs.
 *
 * Every lookup is fenced to the organisation; links are inserted once.
 */

const BATCH = 200

type Pair = { issueId: number; pullId: number }

/** the issues each of these commits links (issue_commits), by commit id */
async function issuesOfCommits(organizationId: number, commitIds: number[]) {
  const issues = new Map<number, number[]>()
  for (let start = 0; start < commitIds.length; start += BATCH) {
    const rows: Array<{ commit_id: number; issue_id: number }> = await db
      .from('issue_commits')
      .where('organization_id', organizationId)
      .whereIn('commit_id', commitIds.slice(start, start + BATCH))
      .select('commit_id', 'issue_id')
    for (const row of rows) {
      const commitId = Number(row.commit_id)
      issues.set(commitId, [...(issues.get(commitId) ?? []), Number(row.issue_id)])
    }
  }
  return issues
}

/** after pull requests were written with their commits: link the issues those commits name */
export async function linkPullRequestsThroughCommits(
  organizationId: number,
  provider: string,
  externalIds: string[]
) {
  const pairs: Pair[] = []
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const pulls: Array<{ id: number; repository_id: number | null; commit_shas: unknown }> =
      await db
        .from('pull_requests')
        .where('organization_id', organizationId)
        .where('provider', provider)
        .whereIn('external_id', externalIds.slice(start, start + BATCH))
        .whereNotNull('repository_id')
        .whereNotNull('commit_shas')
        .select('id', 'repository_id', 'commit_shas')
    for (const pull of pulls) {
      const shas = commitShasOf(pull.commit_shas)
      for (let from = 0; from < shas.length; from += BATCH) {
        const commits: Array<{ id: number }> = await db
          .from('commits')
          .where('organization_id', organizationId)
          .where('repository_id', pull.repository_id!)
          .whereIn('sha', shas.slice(from, from + BATCH))
          .whereExists((query) =>
            query.from('issue_commits').whereColumn('issue_commits.commit_id', 'commits.id')
          )
          .select('id')
        const issues = await issuesOfCommits(
          organizationId,
          commits.map((commit) => Number(commit.id))
        )
        for (const issueIds of issues.values()) {
          for (const issueId of issueIds) pairs.push({ issueId, pullId: Number(pull.id) })
        }
      }
    }
  }
  return linkIssuesToPullRequests(organizationId, pairs)
}

/** the pull requests (same organisation and repository) listing any of these commits */
async function linkPullRequestsOfCommitIds(organizationId: number, commitIds: number[]) {
  const issues = await issuesOfCommits(organizationId, commitIds)
  if (issues.size === 0) return 0
  const commits: Array<{ id: number; repository_id: number; sha: string }> = []
  const linked = [...issues.keys()]
  for (let start = 0; start < linked.length; start += BATCH) {
    commits.push(
      ...(await db
        .from('commits')
        .where('organization_id', organizationId)
        .whereIn('id', linked.slice(start, start + BATCH))
        .whereNotNull('repository_id')
        .select('id', 'repository_id', 'sha'))
    )
  }
  const byRepository = new Map<number, Array<{ id: number; sha: string }>>()
  for (const commit of commits) {
    const repositoryId = Number(commit.repository_id)
    byRepository.set(repositoryId, [
      ...(byRepository.get(repositoryId) ?? []),
      { id: Number(commit.id), sha: commit.sha },
    ])
  }
  const pairs: Pair[] = []
  for (const [repositoryId, repositoryCommits] of byRepository) {
    for (let start = 0; start < repositoryCommits.length; start += BATCH) {
      const slice = repositoryCommits.slice(start, start + BATCH)
      // commit_shas is a JSON list: a SHA is found with its quotes, so a prefix never matches
      const pulls: Array<{ id: number; commit_shas: unknown }> = await db
        .from('pull_requests')
        .where('organization_id', organizationId)
        .where('repository_id', repositoryId)
        .where((query) => {
          for (const commit of slice) query.orWhere('commit_shas', 'like', `%"${commit.sha}"%`)
        })
        .select('id', 'commit_shas')
      for (const pull of pulls) {
        const listed = new Set(commitShasOf(pull.commit_shas))
        for (const commit of slice) {
          if (!listed.has(commit.sha)) continue
          for (const issueId of issues.get(commit.id) ?? []) {
            pairs.push({ issueId, pullId: Number(pull.id) })
          }
        }
      }
    }
  }
  return linkIssuesToPullRequests(organizationId, pairs)
}

/** after commits were written (and linked to issues): link their pull requests to those issues */
export async function linkCommitsPullRequests(
  organizationId: number,
  provider: string,
  externalIds: string[]
) {
  let linked = 0
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const commits: Array<{ id: number }> = await db
      .from('commits')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .whereIn('external_id', externalIds.slice(start, start + BATCH))
      .select('id')
    linked += await linkPullRequestsOfCommitIds(
      organizationId,
      commits.map((commit) => Number(commit.id))
    )
  }
  return linked
}

/** after issues were written (and linked to commits): link the pull requests of those commits */
export async function linkIssuesThroughCommits(
  organizationId: number,
  provider: string,
  externalIds: string[]
) {
  let linked = 0
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const commits: Array<{ commit_id: number }> = await db
      .from('issue_commits')
      .join('issues', 'issues.id', 'issue_commits.issue_id')
      .where('issue_commits.organization_id', organizationId)
      .where('issues.organization_id', organizationId)
      .where('issues.provider', provider)
      .whereIn('issues.external_id', externalIds.slice(start, start + BATCH))
      .distinct('issue_commits.commit_id')
    linked += await linkPullRequestsOfCommitIds(
      organizationId,
      commits.map((commit) => Number(commit.commit_id))
    )
  }
  return linked
}
