import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { fitsIntegerColumn } from '#services/sql'
import { factIds, pullRequestChunks, verdictOf } from '#services/ai_code/attestations'

const notFound = (what: string) => new Exception(what, { status: 404, code: 'E_NOT_FOUND' })

/** One of the organisation's pull requests by repository public id and number, with its chunks. */
export async function pullRequestAttestations(
  organizationId: number,
  repositoryPublicId: string,
  number: number
) {
  const repositoryId = publicIds('repository').decode(repositoryPublicId)
  const pull =
    repositoryId === null || !fitsIntegerColumn(number)
      ? null
      : await db
          .from('pull_requests')
          .join('repositories', 'repositories.id', 'pull_requests.repository_id')
          .where('pull_requests.organization_id', organizationId)
          .where('repositories.organization_id', organizationId)
          .where('pull_requests.repository_id', repositoryId)
          .where('pull_requests.number', number)
          .select(
            'pull_requests.id',
            'pull_requests.repository_id',
            'pull_requests.commit_shas',
            'pull_requests.number',
            'pull_requests.title',
            'pull_requests.state',
            'pull_requests.url',
            'repositories.full_name',
            'repositories.name'
          )
          .first()
  if (!pull) throw notFound('No such pull request')
  return {
    pull: {
      id: Number(pull.id),
      number: pull.number,
      title: pull.title,
      state: pull.state,
      url: pull.url,
      repository: { publicId: repositoryPublicId, fullName: pull.full_name ?? pull.name },
    },
    chunks: await pullRequestChunks(organizationId, pull),
  }
}

function attestationsQuery(organizationId: number) {
  return db
    .from('ai_code_facts')
    .join('pull_requests', 'pull_requests.id', 'ai_code_facts.pull_request_id')
    .join('repositories', 'repositories.id', 'ai_code_facts.repository_id')
    .leftJoin('users', 'users.id', 'ai_code_facts.attested_by_user_id')
    .where('ai_code_facts.organization_id', organizationId)
    .where('pull_requests.organization_id', organizationId)
    .where('repositories.organization_id', organizationId)
    .where('ai_code_facts.source', 'attestation')
    .select(
      'ai_code_facts.id',
      'ai_code_facts.repository_id',
      'ai_code_facts.commit_sha',
      'ai_code_facts.path',
      'ai_code_facts.start_line',
      'ai_code_facts.end_line',
      'ai_code_facts.origin',
      'ai_code_facts.agent',
      'ai_code_facts.model',
      'ai_code_facts.created_at',
      'pull_requests.number',
      'pull_requests.title',
      'repositories.full_name',
      'repositories.name',
      'users.full_name as user_name',
      'users.email as user_email'
    )
}

function present(row: Record<string, any>) {
  return {
    publicId: factIds().encode(Number(row.id)),
    verdict: verdictOf(row.origin),
    commitSha: row.commit_sha,
    path: row.path,
    startLine: row.start_line,
    endLine: row.end_line,
    agent: row.agent ?? null,
    model: row.model ?? null,
    attestedAt: new Date(row.created_at).toISOString(),
    attestedBy: row.user_name || row.user_email || 'a former member',
    pull: {
      number: row.number,
      title: row.title,
      repository: {
        publicId: publicIds('repository').encode(Number(row.repository_id)),
        fullName: row.full_name ?? row.name,
      },
    },
  }
}

/** The organisation's attestations, newest first (at most `limit`). */
export async function listAttestations(organizationId: number, limit = 200) {
  const rows = await attestationsQuery(organizationId)
    .orderBy('ai_code_facts.id', 'desc')
    .limit(limit)
  return rows.map(present)
}

/** One attestation by its public id, or a 404. */
export async function attestationOf(organizationId: number, publicId: string) {
  const id = factIds().decode(publicId)
  const row =
    id === null
      ? null
      : await attestationsQuery(organizationId).where('ai_code_facts.id', id).first()
  if (!row) throw notFound('No such attestation')
  return present(row)
}
