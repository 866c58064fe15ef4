import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import RegenerateGbom from '#actions/ai_code/regenerate_gbom'
import { sqlTime } from '#services/sql'
import { invalidateInsights } from '#services/insights/cache'

/** demo repositories given a composition, and files per repository */
const REPOSITORIES = 6
const FOLDERS = ['src', 'src/api', 'src/lib', 'src/ui/components', 'test', 'scripts']
const AGENTS = [
  { agent: 'claude', model: 'claude-sonnet-4-5' },
  { agent: 'copilot', model: 'gpt-5' },
  { agent: 'cursor', model: 'claude-opus-4-1' },
]
const WEEKS = 12

/**
 * The AI Code Monitor's demo (docs/ai_code.md): for the demo
 * organisation's first repositories, files in a few folders whose lines
 * an analyzer labelled AI, blended or human (with the files' SHA-256),
 * Git AI notes naming agents and models over some of them, and a
 * developer's NotGenAI attestation that disagrees with the analyzer;
 * then the GBOMs, and a weekly composition point over the last 12 weeks
 * whose AI share grows towards today's. Deterministic, and skipped when
 * the organisation already has facts, so running it again changes
 * nothing.
 */
export async function populateAiCodeDemoData(organizationId: number, now = Date.now()) {
  const existing = await db.from('ai_code_facts').where('organization_id', organizationId).first()
  if (existing) return { repositories: 0, facts: 0 }
  const repositories = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .orderBy('id')
    .limit(REPOSITORIES)
    .select('id')
  let seed = 21
  const next = (max: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % max
  }
  let facts = 0
  const stamp = sqlTime()
  for (const [index, repository] of repositories.entries()) {
    const repositoryId = Number(repository.id)
    const shas = await db
      .from('commits')
      .where('organization_id', organizationId)
      .where('repository_id', repositoryId)
      .orderBy('id', 'desc')
      .limit(5)
      .select('sha')
    const commit = (n: number) =>
      String(
        shas[n % Math.max(1, shas.length)]?.sha ?? hash(`demo-${repositoryId}-${n}`).slice(0, 40)
      )
    const rows: Record<string, unknown>[] = []
    // repositories range from mostly human to heavily AI-assisted
    const aiBias = 10 + index * 12
    for (let file = 0; file < 14 + next(16); file++) {
      const folder = FOLDERS[next(FOLDERS.length)]
      const path = `${folder}/${['engine', 'client', 'store', 'view', 'parser', 'util'][next(6)]}${file}.ts`
      const lines = 40 + next(260)
      const sha = commit(file)
      let start = 1
      while (start <= lines) {
        const end = Math.min(lines, start + 10 + next(60))
        const roll = next(100)
        const label = roll < aiBias ? 'ai' : roll < aiBias + 12 ? 'blended' : 'human'
        const base = {
          agent: null,
          model: null,
          probability: null,
          file_sha256: null,
          organization_id: organizationId,
          repository_id: repositoryId,
          commit_sha: sha,
          path,
          start_line: start,
          end_line: end,
          language: 'TypeScript',
          created_at: stamp,
          updated_at: stamp,
        }
        rows.push({
          ...base,
          source: 'analyzer',
          origin: label,
          probability: 0.6 + next(40) / 100,
          evidence: 'gaid 2.1.0',
          file_sha256: hash(`${path}@${sha}`),
        })
        if (label === 'ai' && next(3) === 0) {
          const agent = AGENTS[next(AGENTS.length)]
          rows.push({
            ...base,
            source: 'git_ai',
            origin: 'ai',
            ...agent,
            evidence: `session ${hash(`${path}${start}`).slice(0, 16)}`,
          })
        } else if (label === 'ai' && next(8) === 0) {
          rows.push({
            ...base,
            source: 'attestation',
            origin: 'human',
            evidence: 'NotGenAI (demo)',
          })
        }
        start = end + 1
      }
    }
    for (let at = 0; at < rows.length; at += 200) {
      await db.table('ai_code_facts').multiInsert(rows.slice(at, at + 200))
    }
    facts += rows.length
  }
  await new RegenerateGbom().execute({ organizationId })
  await pastPoints(organizationId, now)
  await invalidateInsights(organizationId)
  return { repositories: repositories.length, facts }
}

/** a point per week before today, the AI share rising to today's */
async function pastPoints(organizationId: number, now: number) {
  const gboms = await db
    .from('ai_code_gboms')
    .where('organization_id', organizationId)
    .select('repository_id', 'ai_lines', 'blended_lines', 'human_lines')
  const rows = []
  for (const gbom of gboms) {
    for (let week = WEEKS; week >= 1; week--) {
      const scale = 1 - week / (WEEKS + 4)
      const ai = Math.round(Number(gbom.ai_lines) * scale)
      const blended = Math.round(Number(gbom.blended_lines) * scale)
      rows.push({
        organization_id: organizationId,
        repository_id: gbom.repository_id,
        day: new Date(now - week * 7 * 86_400_000).toISOString().slice(0, 10),
        ai_lines: ai,
        blended_lines: blended,
        human_lines:
          Number(gbom.human_lines) +
          (Number(gbom.ai_lines) - ai) +
          (Number(gbom.blended_lines) - blended),
        created_at: sqlTime(),
        updated_at: sqlTime(),
      })
    }
  }
  for (let at = 0; at < rows.length; at += 200) {
    await db
      .insertQuery()
      .table('ai_code_composition_points')
      .insert(rows.slice(at, at + 200))
      .onConflict(['repository_id', 'day'])
      .ignore()
  }
}

function hash(text: string) {
  return createHash('sha256').update(text).digest('hex')
}
