import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import EvaluatePullRequestPolicy from '#actions/ai_code/evaluate_pull_request_policy'
import { VERDICTS, commitShasOf, factIds, type Verdict } from '#services/ai_code/attestations'
import { sqlTime } from '#services/sql'
import { wroteCommit } from '#services/ai_code/line_owner'

/**
 * A developer attests one chunk of a pull request (Pure, Blended or
 * NotGenAI), only of their own lines (an owner or admin any chunk): an
 * "attestation" fact over the chunk's lines, replacing an
 * earlier attestation of the same lines on this pull request, in one
 * transaction. Then the repository's GBOM is rebuilt and the policy
 * re-evaluated, so an attested pull request can turn green.
 */
export default class AttestChunk {
  async execute(input: {
    organizationId: number
    pullRequestId: number
    chunkPublicId: string
    verdict: string
    user: User
    /** owners and admins attest any lines; a developer only their own */
    mayAttestAnyLines: boolean
  }) {
    const { organizationId } = input
    if (!Object.hasOwn(VERDICTS, input.verdict)) {
      throw new Exception('Choose Pure, Blended or NotGenAI', {
        status: 422,
        code: 'E_INVALID_VERDICT',
      })
    }
    const verdict = input.verdict as Verdict
    const pull = await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .where('id', input.pullRequestId)
      .first()
    const chunkId = factIds().decode(input.chunkPublicId)
    const chunk =
      pull && chunkId !== null
        ? await db
            .from('ai_code_facts')
            .where('organization_id', organizationId)
            .where('repository_id', pull.repository_id)
            .where('id', chunkId)
            .whereNot('source', 'attestation')
            .whereIn('origin', ['ai', 'blended'])
            .whereIn('commit_sha', commitShasOf(pull.commit_shas))
            .first()
        : null
    if (!pull || !chunk) {
      throw new Exception('No such chunk on this pull request', {
        status: 404,
        code: 'E_NOT_FOUND',
      })
    }
    if (
      !input.mayAttestAnyLines &&
      !(await wroteCommit(organizationId, pull.repository_id, chunk.commit_sha, input.user))
    ) {
      throw new Exception(
        `You may attest only your own lines: commit ${String(chunk.commit_sha).slice(0, 7)} is not yours. Ask its author or an admin to attest ${chunk.path}.`,
        { status: 403, code: 'E_NOT_YOUR_LINES' }
      )
    }
    const id = await db.transaction(async (trx) => {
      const same = {
        organization_id: organizationId,
        repository_id: pull.repository_id,
        pull_request_id: pull.id,
        source: 'attestation',
        commit_sha: chunk.commit_sha,
        path: chunk.path,
        start_line: chunk.start_line,
        end_line: chunk.end_line,
      }
      await trx.from('ai_code_facts').where(same).delete()
      const [row] = await trx
        .insertQuery()
        .table('ai_code_facts')
        .insert({
          ...same,
          origin: VERDICTS[verdict],
          language: chunk.language,
          agent: chunk.agent,
          model: chunk.model,
          attested_by_user_id: input.user.id,
          evidence: `attested ${verdict}`,
          created_at: sqlTime(),
          updated_at: sqlTime(),
        })
        .returning('id')
      return Number(typeof row === 'object' ? row.id : row)
    })
    await new RegenerateGbom().execute({ organizationId, repositoryIds: [pull.repository_id] })
    await new EvaluatePullRequestPolicy().execute({
      organizationId,
      pullRequestId: pull.id,
      again: true,
    })
    return { publicId: factIds().encode(id), verdict }
  }
}
