import db from '@adonisjs/lucid/services/db'
import { chatModelFor } from '#services/ai/chat_completion'
import { invalidateInsights } from '#services/insights/cache'
import {
  NARRATIVE_MAX_TOKENS,
  narrativePrompt,
  type NarratedFinding,
} from '#services/insights/narrative_prompt'

export type NarrativeOutcome =
  /** no plugin offers a chat model for the organisation: the findings stand alone */
  | { status: 'no_model'; reason: string }
  | {
      status: 'done'
      model: string
      narrated: Array<{ summary: string; narrative: string }>
      failed: Array<{ summary: string; error: string }>
    }

/**
 * The "summary" pipeline: the organisation's chat model writes a short
 * plain-language explanation of each finding stored for `day`, from a
 * prompt holding only the anomaly and its explaining rows. Each text is
 * stored with its finding and the model that wrote it; a failed call
 * stores its reason instead and the statistical finding still shows.
 */
export default class NarrateFindings {
  async execute(input: { organizationId: number; day: string }): Promise<NarrativeOutcome> {
    const model = await chatModelFor(input.organizationId)
    if (!model) {
      return {
        status: 'no_model',
        reason:
          'no chat model is configured (Assistant → AI models); the findings are shown without a narrative',
      }
    }
    const rows = await db
      .from('insight_findings')
      .where('organization_id', input.organizationId)
      .where('day', input.day)
      .where('pipeline', 'anomalies')
      .orderBy('score', 'desc')
      .orderBy('id')
    const repositories = rows.length ? await repositoryNames(input.organizationId) : []
    const outcome: NarrativeOutcome = {
      status: 'done',
      model: model.name,
      narrated: [],
      failed: [],
    }
    for (const row of rows) {
      const finding = narratedFinding(row)
      try {
        const narrative = await model.complete(narrativePrompt(finding), {
          maxTokens: NARRATIVE_MAX_TOKENS,
        })
        checkCitations(narrative, finding, repositories)
        await db
          .from('insight_findings')
          .where('id', row.id)
          .update({ narrative, narrative_model: model.name, narrative_error: null })
        outcome.narrated.push({ summary: finding.summary, narrative })
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        await db
          .from('insight_findings')
          .where('id', row.id)
          .update({ narrative: null, narrative_model: model.name, narrative_error: reason })
        outcome.failed.push({ summary: finding.summary, error: reason })
      }
    }
    if (rows.length > 0) await invalidateInsights(input.organizationId)
    return outcome
  }
}

/** the organisation's repositories by full name, longest first (so acme/api-gateway is not read as acme/api) */
async function repositoryNames(organizationId: number): Promise<string[]> {
  const rows = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .select('full_name')
  return rows.map((row) => String(row.full_name)).sort((a, b) => b.length - a.length)
}

/**
 * The narrative may cite only the finding's rows: a text naming another
 * of the organisation's repositories explains with facts the model was
 * not given (or invented), so it is not stored.
 */
function checkCitations(narrative: string, finding: NarratedFinding, repositories: string[]) {
  const cited = new Set(finding.repositories.map((row) => row.repository.toLowerCase()))
  let text = narrative.toLowerCase()
  const strays: string[] = []
  for (const name of repositories) {
    const lower = name.toLowerCase()
    if (!text.includes(lower)) continue
    if (!cited.has(lower)) strays.push(name)
    text = text.split(lower).join(' ')
  }
  if (strays.length > 0) {
    throw new Error(
      `The narrative named ${strays.join(', ')}, which the finding does not list; it was not stored.`
    )
  }
}

function narratedFinding(row: Record<string, any>): NarratedFinding {
  const evidence = JSON.parse(row.evidence) as {
    to: string
    direction: 'up' | 'down'
    repositories: NarratedFinding['repositories']
  }
  return {
    metric: row.metric,
    from: row.anomaly_day,
    to: evidence.to,
    direction: evidence.direction,
    value: Number(row.value),
    expected: Number(row.expected),
    score: Number(row.score),
    summary: row.summary,
    repositories: evidence.repositories,
  }
}
