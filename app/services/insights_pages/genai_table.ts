import type { Lines } from '#queries/ai_code_share'
import { csvNumber, formatNumber, formatPercent } from '#services/insights_pages/format'
import type { PageTable } from '#services/insights_pages/tables'

/**
 * A product's GenAI composition by repository (docs/ai_code.md): each of
 * its repositories that has a composition, with its AI, blended and
 * human lines at the period's end and its AI share, linking the
 * repository's page in the AI Code Monitor.
 */
export function genaiRepositoryTable(
  repositories: Array<{ repositoryId: number; publicId: string; fullName: string }>,
  compositions: Map<number, Lines>
): PageTable {
  const composed = repositories.flatMap((repository) => {
    const lines = compositions.get(repository.repositoryId)
    return lines ? [{ repository, lines }] : []
  })
  return {
    name: 'genai',
    title: 'GenAI composition by repository (lines)',
    columns: ['Repository', 'AI', 'Blended', 'Human', 'AI share'],
    csvColumns: ['repository', 'ai_lines', 'blended_lines', 'human_lines', 'ai_share_percent'],
    cells: composed.map(({ repository, lines }) => [
      repository.fullName,
      formatNumber(lines.ai, 0),
      formatNumber(lines.blended, 0),
      formatNumber(lines.human, 0),
      formatPercent(lines.share),
    ]),
    values: composed.map(({ repository, lines }) => [
      repository.fullName,
      lines.ai,
      lines.blended,
      lines.human,
      csvNumber(lines.share),
    ]),
    links: composed.map(({ repository }) => `/ai-code/repositories/${repository.publicId}`),
    empty: 'No composition yet: import an analyzer output or Git AI notes (AI Code Monitor).',
  }
}
