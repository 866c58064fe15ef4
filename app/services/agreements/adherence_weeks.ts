import db from '@adonisjs/lucid/services/db'
import { adherence, type AgreementScope, type Period } from '#services/agreements/adherence'
import { invalidateInsights } from '#services/insights/cache'

/**
 * Measures an agreement over each of `weeks` and keeps the result per
 * ISO week (working_agreement_weeks), replacing what an earlier run
 * recorded for the same week; then drops the organisation's cached
 * insights fragments so the pages' adherence strip shows it.
 */
export async function recordAdherenceWeeks(
  agreement: AgreementScope & { id: number },
  weeks: Array<Period & { label: string }>,
  now: Date
) {
  for (const week of weeks) {
    const measured = await adherence(agreement, week, now)
    await db
      .table('working_agreement_weeks')
      .insert({
        organization_id: agreement.organizationId,
        working_agreement_id: agreement.id,
        period: week.label,
        measured: measured.measured,
        met: measured.met,
        percent: measured.percent,
        computed_at: now,
      })
      .onConflict(['working_agreement_id', 'period'])
      .merge(['measured', 'met', 'percent', 'computed_at'])
  }
  await invalidateInsights(agreement.organizationId)
}
