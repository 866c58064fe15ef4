import db from '@adonisjs/lucid/services/db'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import ReevaluatePullRequestsOfCommits from '#actions/ai_code/reevaluate_pull_requests_of_commits'
import {
  EngineOutputError,
  engineOutputFiles,
  readEngineOutput,
  type EngineChunk,
} from '#services/ai_code/engine_output'
import { sqlTime } from '#services/sql'

const BATCH = 200

/**
 * Imports an analyzer's output (a .jsonl file or a folder of them) for
 * one organisation. Every line is validated and every repository
 * resolved (within the organisation: its full name, e.g. "acme/rockets")
 * before anything is written; then, in one transaction, each (repository,
 * commit, path) named gets exactly the chunks of this import, replacing
 * what an earlier import of it said (importing the same output again
 * changes nothing). The GBOMs of those repositories are rebuilt after,
 * and the open pull requests carrying those commits are checked again.
 * A bad file throws EngineOutputError naming the file, line and field.
 */
export default class ImportAiEngineData {
  async execute(input: { organizationId: number; path: string }) {
    const chunks = await readEngineOutput(await engineOutputFiles(input.path))
    const repositories = await this.#repositories(input.organizationId, chunks)
    const byKey = new Map<string, { repositoryId: number; commit: string; path: string }>()
    for (const chunk of chunks) {
      const repositoryId = repositories.get(chunk.repository)!
      byKey.set(`${repositoryId}\u0000${chunk.commit}\u0000${chunk.path}`, {
        repositoryId,
        commit: chunk.commit,
        path: chunk.path,
      })
    }
    const now = sqlTime()
    await db.transaction(async (trx) => {
      for (const key of byKey.values()) {
        await trx
          .from('ai_code_facts')
          .where('organization_id', input.organizationId)
          .where('repository_id', key.repositoryId)
          .where('source', 'analyzer')
          .where('commit_sha', key.commit)
          .where('path', key.path)
          .delete()
      }
      const rows = chunks.map((chunk) => ({
        organization_id: input.organizationId,
        repository_id: repositories.get(chunk.repository)!,
        source: 'analyzer',
        commit_sha: chunk.commit,
        path: chunk.path,
        start_line: chunk.startLine,
        end_line: chunk.endLine,
        origin: chunk.label,
        language: chunk.language,
        probability: chunk.probability,
        agent: null,
        model: null,
        evidence: `${chunk.engine} ${chunk.engineVersion}`.slice(0, 255),
        created_at: now,
        updated_at: now,
      }))
      for (let start = 0; start < rows.length; start += BATCH) {
        await trx.table('ai_code_facts').multiInsert(rows.slice(start, start + BATCH))
      }
    })
    const repositoryIds = [...new Set(repositories.values())]
    await new RegenerateGbom().execute({ organizationId: input.organizationId, repositoryIds })
    const commits = new Map<number, Set<string>>()
    for (const key of byKey.values()) {
      commits.set(key.repositoryId, (commits.get(key.repositoryId) ?? new Set()).add(key.commit))
    }
    await new ReevaluatePullRequestsOfCommits().execute({
      organizationId: input.organizationId,
      commits,
    })
    return { chunks: chunks.length, repositories: repositoryIds.length }
  }

  /** each repository named, by full name within the organisation; an unknown one refuses the import */
  async #repositories(organizationId: number, chunks: EngineChunk[]) {
    const names = [...new Set(chunks.map((chunk) => chunk.repository))]
    const found = new Map<string, number>()
    for (let start = 0; start < names.length; start += BATCH) {
      const rows = await db
        .from('repositories')
        .where('organization_id', organizationId)
        .whereIn('full_name', names.slice(start, start + BATCH))
        .select('id', 'full_name')
        .orderBy('id')
      for (const row of rows)
        if (!found.has(row.full_name)) found.set(row.full_name, Number(row.id))
    }
    const missing = names.find((name) => !found.has(name))
    if (missing) {
      throw new EngineOutputError(
        `repository "${missing}" is not one of the organisation's repositories`
      )
    }
    return found
  }
}
