import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Organization from '#models/organization'
import { selectRows } from '#services/insights/dialect'
import { toDate } from '#services/insights/commit_lead_times'
import { firstReviewWhere, readyForReview } from '#services/insights/rollup_sql'
import { parseWorkingDays, workingSeconds } from '#services/insights/working_hours'
import type { Measured } from '#services/insights/measured_rows'

/**
 * Time to first review in working hours, for an organisation that
 * counts them (`working_hours_only`): the same pull requests as the
 * calendar measure (first reviews in [start, end) made between opening
 * and merge, by people unless bots are included), each from ready for
 * review to its first review, counting only the organisation's working
 * days and hours in its time zone. Empty for an organisation counting
 * calendar hours (the SQL measures those).
 */
export async function firstReviewsInWorkingHours(
  trx: TransactionClientContract,
  organizationId: number,
  range: { start: string; end: string }
): Promise<Measured[]> {
  const organization = await Organization.query({ client: trx })
    .where('id', organizationId)
    .firstOrFail()
  if (!organization.workingHoursOnly) return []
  const hours = {
    days: parseWorkingDays(organization.workingDays) ?? [1, 2, 3, 4, 5],
    starts: organization.workingDayStarts,
    ends: organization.workingDayEnds,
    zone: organization.timeZone,
  }
  const rows = selectRows<{ repository_id: number | null; ready: unknown; reviewed: unknown }>(
    await trx.rawQuery(
      `SELECT p.repository_id, ${readyForReview('p')} AS ready, p.first_review_at AS reviewed
       FROM pull_requests p
       WHERE p.organization_id = ? AND p.first_review_at >= ? AND p.first_review_at < ? ${firstReviewWhere()}`,
      [organizationId, range.start, range.end]
    )
  )
  const measured: Measured[] = []
  for (const row of rows) {
    const ready = toDate(row.ready)
    const reviewed = toDate(row.reviewed)
    if (!ready || !reviewed) continue
    // a review made while still draft waited for nothing: 0, as in SQL
    measured.push({
      repositoryId: row.repository_id,
      moment: reviewed,
      seconds: workingSeconds(ready, reviewed, hours),
    })
  }
  return measured
}
