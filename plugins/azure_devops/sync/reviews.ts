import type { HttpClient } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import { environment } from '../environment.js'
import type { Azure } from '../types.js'

/**
 * A pull request's first review, from its comment threads
 * (GET …/pullRequests/{id}/threads): the earliest comment someone other
 * than the author wrote, or the earliest vote someone other than the
 * author cast (Azure DevOps records each vote as a system thread whose
 * CodeReviewThreadType is VoteUpdate, naming the voter in
 * CodeReviewVotedByIdentity). System messages and the author's own
 * comments are not reviews.
 */
export function firstReviewOf(pull: Azure.PullRequest, threads: Azure.Thread[]): string | null {
  const authorId = pull.createdBy?.id ?? null
  const moments: string[] = []
  for (const thread of threads) {
    if (thread.isDeleted) continue
    const properties = thread.properties ?? {}
    if (properties.CodeReviewThreadType?.$value === 'VoteUpdate') {
      const key = properties.CodeReviewVotedByIdentity?.$value
      const voter = (key && thread.identities?.[key]) || thread.comments?.[0]?.author
      if (voter?.id && voter.id !== authorId && thread.publishedDate) {
        moments.push(thread.publishedDate)
      }
      continue
    }
    for (const comment of thread.comments ?? []) {
      if (comment.isDeleted || comment.commentType !== 'text' || !comment.publishedDate) continue
      if (comment.author?.id && comment.author.id !== authorId) moments.push(comment.publishedDate)
    }
  }
  if (moments.length === 0) return null
  return moments.reduce((earliest, moment) =>
    Date.parse(moment) < Date.parse(earliest) ? moment : earliest
  )
}

export async function readThreads(
  http: Pick<HttpClient, 'get'>,
  project: string,
  repositoryId: string,
  pullRequestId: number
): Promise<Azure.Thread[]> {
  const answer = await http.get<Azure.List<Azure.Thread>>(
    `/${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repositoryId)}/pullRequests/${pullRequestId}/threads`,
    { query: { 'api-version': API_VERSION } }
  )
  return answer.data.value ?? []
}

/** whether a pull request is recent enough for its threads to be read (AZURE_DEVOPS_PR_DETAIL_DAYS) */
export function wantsDetail(pull: Azure.PullRequest, now = Date.now()) {
  const days = environment.get('AZURE_DEVOPS_PR_DETAIL_DAYS')
  if (days <= 0) return false
  const since = now - days * 86_400_000
  return [pull.creationDate, pull.closedDate].some(
    (moment) => moment !== undefined && Date.parse(moment) >= since
  )
}
