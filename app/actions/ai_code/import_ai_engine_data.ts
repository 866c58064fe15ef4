import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import ReevaluatePullRequestsOfCommits from '#actions/ai_code/reevaluate_pull_requests_of_commits'
import {
  EngineOutputError,
  engineOutputChunks,
  engineOutputFiles,
  type EngineChunk,
} from '#services/ai_code/engine_output'
import { sqlTime } from '#services/sql'

/** chunks written per statement (and repositories looked up per statement) */
export const ENGINE_IMPORT_BATCH = 500

/**
 * Imports an analyzer's output (a .jsonl file or a folder of them) for
 * one organisation, streaming: the files are read line by line twice and
 * memory holds one batch of ENGINE_IMPORT_BATCH chunks, plus the names
 * of the repositories and commits the output names.
 *
 * The first pass validates every line and resolves every repository
 * (within the organisation: its full name, e.g. "acme/rockets") before
 * anything is written. The second, in one transaction, writes the chunks
 * batch by batch: each (repository, commit, path) named loses the facts
 * an earlier import wrote about it (those older than this import), so it
 * gets exactly the chunks of this one and importing the same output
 * again changes nothing. The GBOMs of those repositories are rebuilt
 * after, and the open pull requests carrying those commits are checked
 * again. A bad file throws EngineOutputError naming the file, line and
 * field.
 */
export default class ImportAiEngineData {
  async execute(input: { organizationId: number; path: string }) {
    const files = await engineOutputFiles(input.path)
    const commitsByName = new Map<string, Set<string>>()
    for await (const chunk of engineOutputChunks(files)) {
      const commits = commitsByName.get(chunk.repository) ?? new Set<string>()
      commitsByName.set(chunk.repository, commits.add(chunk.commit))
    }
    const repositories = await this.#repositories(input.organizationId, [...commitsByName.keys()])
    const now = sqlTime()
    const written = await db.transaction(async (trx) => {
      const newest = await trx.from('ai_code_facts').max('id as id').first()
      const before = Number(newest?.id ?? 0)
      let chunks = 0
      let batch: EngineChunk[] = []
      const flush = async () => {
        await this.#write(trx, input.organizationId, repositories, batch, before, now)
        chunks += batch.length
        batch = []
      }
      for await (const chunk of engineOutputChunks(files)) {
        batch.push(chunk)
        if (batch.length >= ENGINE_IMPORT_BATCH) await flush()
      }
      if (batch.length > 0) await flush()
      return chunks
    })
    const repositoryIds = [...new Set(repositories.values())]
    await new RegenerateGbom().execute({ organizationId: input.organizationId, repositoryIds })
    const commits = new Map<number, Set<string>>()
    for (const [name, shas] of commitsByName) {
      const repositoryId = repositories.get(name)!
      const known = commits.get(repositoryId) ?? new Set<string>()
      shas.forEach((sha) => known.add(sha))
      commits.set(repositoryId, known)
    }
    await new ReevaluatePullRequestsOfCommits().execute({
      organizationId: input.organizationId,
      commits,
    })
    return { chunks: written, repositories: repositoryIds.length }
  }

  /**
   * One batch: the earlier facts (id up to `before`) about its
   * (repository, commit, path) keys are deleted, one statement per
   * repository and commit, then its chunks are inserted in one statement.
   */
  async #write(
    trx: TransactionClientContract,
    organizationId: number,
    repositories: Map<string, number>,
    batch: EngineChunk[],
    before: number,
    now: string
  ) {
    const pathsByCommit = new Map<
      string,
      { repositoryId: number; commit: string; paths: Set<string> }
    >()
    for (const chunk of batch) {
      const repositoryId = repositories.get(chunk.repository)!
      const key = `${repositoryId}\u0000${chunk.commit}`
      const entry = pathsByCommit.get(key) ?? {
        repositoryId,
        commit: chunk.commit,
        paths: new Set(),
      }
      pathsByCommit.set(key, entry)
      entry.paths.add(chunk.path)
    }
    for (const { repositoryId, commit, paths } of pathsByCommit.values()) {
      await trx
        .from('ai_code_facts')
        .where('organization_id', organizationId)
        .where('repository_id', repositoryId)
        .where('source', 'analyzer')
        .where('commit_sha', commit)
        .whereIn('path', [...paths])
        .where('id', '<=', before)
        .delete()
    }
    await trx.table('ai_code_facts').multiInsert(
      batch.map((chunk) => ({
        organization_id: organizationId,
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
        file_sha256: chunk.sha256,
        created_at: now,
        updated_at: now,
      }))
    )
  }

  /** each repository named, by full name within the organisation; an unknown one refuses the import */
  async #repositories(organizationId: number, names: string[]) {
    const found = new Map<string, number>()
    for (let start = 0; start < names.length; start += ENGINE_IMPORT_BATCH) {
      const rows = await db
        .from('repositories')
        .where('organization_id', organizationId)
        .whereIn('full_name', names.slice(start, start + ENGINE_IMPORT_BATCH))
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
