import db from '@adonisjs/lucid/services/db'
import { commitShasOf, covers } from '#services/ai_code/attestations'
import { mergedPullRequests, pullRequestLabel } from '#services/agreements/team_rows'
import type { AgreementScope, MeasuredRow, Period } from '#services/agreements/adherence'

type FactRow = {
  repository_id: number
  pull_request_id: number | null
  commit_sha: string
  path: string
  start_line: number
  end_line: number
}

/** bound parameters per IN list, well under SQLite's and PostgreSQL's limits */
const BATCH = 500

function batches<T>(values: T[]) {
  return Array.from({ length: Math.ceil(values.length / BATCH) }, (_, index) =>
    values.slice(index * BATCH, (index + 1) * BATCH)
  )
}

/**
 * Pull requests merged in the period whose commits carry code labelled AI
 * or blended (by a Git AI note, an analyzer or a trailer), as the AI Code
 * Monitor's attestation page lists them: met when the developers attested
 * at least `threshold`% of those chunks on the pull request (100: every
 * one, the policy's rule). A pull request without such code has nothing
 * to attest and is not measured. Three queries whatever the period holds,
 * so eight weeks of history stay cheap.
 */
export async function attestedPullRequests(
  scope: AgreementScope,
  period: Period
): Promise<MeasuredRow[]> {
  const merged = await mergedPullRequests(scope, period)
    .select('p.id', 'p.repository_id', 'p.commit_shas', 'p.number', 'p.title', 'p.url')
    .select('r.full_name')
    .orderBy('p.id')
  const pulls = merged.map((pull) => ({ ...pull, shas: commitShasOf(pull.commit_shas) }))
  const shas = [...new Set(pulls.flatMap((pull) => pull.shas))]
  if (shas.length === 0) return []

  const repositories = [...new Set(pulls.map((pull) => pull.repository_id))]
  const labelled: Array<FactRow> = []
  for (const batch of batches(shas)) {
    labelled.push(
      ...(await db
        .from('ai_code_facts')
        .where('organization_id', scope.organizationId)
        .whereIn('repository_id', repositories)
        .whereIn('commit_sha', batch)
        .whereNot('source', 'attestation')
        .whereIn('origin', ['ai', 'blended'])
        .select('repository_id', 'pull_request_id', 'commit_sha', 'path', 'start_line', 'end_line'))
    )
  }
  const attested: Array<FactRow> = []
  for (const batch of batches(pulls.map((pull) => pull.id))) {
    attested.push(
      ...(await db
        .from('ai_code_facts')
        .where('organization_id', scope.organizationId)
        .where('source', 'attestation')
        .whereIn('pull_request_id', batch)
        .select('repository_id', 'pull_request_id', 'commit_sha', 'path', 'start_line', 'end_line'))
    )
  }

  return pulls.flatMap((pull) => {
    const own = new Set(pull.shas)
    const chunks = labelled.filter(
      (fact) =>
        Number(fact.repository_id) === Number(pull.repository_id) && own.has(fact.commit_sha)
    )
    if (chunks.length === 0) return []
    const attestations = attested.filter((fact) => Number(fact.pull_request_id) === Number(pull.id))
    const done = chunks.filter((chunk) => attestations.some((fact) => covers(fact, chunk))).length
    const share = (done / chunks.length) * 100
    return [
      { label: pullRequestLabel(pull), url: pull.url, met: share >= scope.threshold, value: share },
    ]
  })
}
