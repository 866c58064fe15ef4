import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { insertDeployment, insertRepository } from '#tests/helpers/insights'

/**
 * Issue #25's seeded anomaly: nine weeks of production deployments on
 * weekdays only (none at weekends), api 4 a day and web 2, except the
 * ninth week, when api ships 1 a day: 6 a day halved to 3. The daily
 * rollup is refreshed, so the statistical pass can run for 2026-03-09.
 */
export const FIRST_MONDAY = new Date('2026-01-05T00:00:00Z')
export const ANOMALY_WEEK = { from: '2026-03-02', to: '2026-03-08' }
/** the day the pass runs for: the Monday after the halved week */
export const RUN_DAY = '2026-03-09'

export function day(offset: number) {
  const date = new Date(FIRST_MONDAY)
  date.setUTCDate(date.getUTCDate() + offset)
  return date.toISOString().slice(0, 10)
}

export async function seedHalvedWeek(organizationId: number) {
  const api = await insertRepository(organizationId, 'api')
  const web = await insertRepository(organizationId, 'web')
  for (let offset = 0; offset < 63; offset++) {
    const weekday = offset % 7 < 5
    if (!weekday) continue
    const anomalous = day(offset) >= ANOMALY_WEEK.from
    for (const [repositoryId, count] of [
      [api, anomalous ? 1 : 4],
      [web, 2],
    ] as const) {
      for (let index = 0; index < count; index++) {
        await insertDeployment(organizationId, repositoryId, {
          started: `${day(offset)} ${String(9 + index).padStart(2, '0')}:00`,
          finished: `${day(offset)} ${String(9 + index).padStart(2, '0')}:10`,
        })
      }
    }
  }
  await new RollUpMetrics().execute({ organizationId, from: day(0), to: day(63) })
}
