import db from '@adonisjs/lucid/services/db'
import type { AiCommit, PullRequestFacts } from '#services/ai_code/policy'
import { pullRequestChunks } from '#services/ai_code/attestations'
import { commitSignals, SIGNAL_COLUMNS, storedIdentities } from '#services/ai_code/built_in_signals'

/**
 * What the policy reads about one of an organisation's pull requests,
 * from the core's tables whatever the code host: its size, and its
 * commits (as the code host listed them) with the AI marks the store
 * parsed from their messages (trailers), and the AI or blended chunks
 * of those commits that no attestation covers. A commit the core has not
 * stored counts as a commit without marks.
 */
export async function pullRequestFacts(
  organizationId: number,
  pull: Record<string, any>
): Promise<{ facts: PullRequestFacts; aiCommits: AiCommit[] }> {
  const shas = commitShas(pull.commit_shas)
  const stored =
    shas.length === 0
      ? []
      : await db
          .from('commits')
          .where('organization_id', organizationId)
          .where('repository_id', pull.repository_id)
          .whereIn('sha', shas)
          .select('sha', 'message', 'trailers', ...SIGNAL_COLUMNS)
  // the pull request's own marker marks every one of its commits
  const marker = pull.ai_marker ? `pull request: ${pull.ai_marker}` : null
  const marked = new Map<string, AiCommit>()
  for (const commit of stored) {
    if (marked.has(commit.sha)) continue
    const marks = commitSignals({
      ...storedIdentities(commit),
      trailers: parseJson(commit.trailers) as Array<{ key: string; value: string }>,
    }).map((signal) => signal.evidence)
    if (marker) marks.push(marker)
    if (marks.length === 0) continue
    marked.set(commit.sha, {
      sha: commit.sha,
      title: String(commit.message ?? '')
        .split('\n')[0]
        .slice(0, 120),
      marks,
    })
  }
  const commits = shas.length || Number(pull.commits_count ?? 0)
  const chunks = await pullRequestChunks(organizationId, pull as any)
  return {
    facts: {
      changedFiles: Number(pull.changed_files ?? 0),
      additions: Number(pull.additions ?? 0),
      deletions: Number(pull.deletions ?? 0),
      commits,
      aiAssistedCommits: marked.size,
      unattestedChunks: chunks
        .filter((chunk) => !chunk.attestation)
        .map(({ path, startLine, endLine, origin }) => ({ path, startLine, endLine, origin })),
    },
    aiCommits: [...marked.values()],
  }
}

function commitShas(raw: unknown): string[] {
  const value = parseJson(raw)
  return Array.isArray(value) ? value.filter((sha) => typeof sha === 'string') : []
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return Array.isArray(raw) ? raw : []
  try {
    return JSON.parse(raw)
  } catch {
    return []
  }
}
