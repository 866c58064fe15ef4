import logger from '@adonisjs/core/services/logger'
import RefreshInsights from '#actions/insights/refresh_insights'
import { markInsightsDirty } from '#services/insights/refresh_marks'
import { today } from '#services/insights/dialect'
import type { Day } from '#services/insights/types'

/**
 * After a sync run wrote domain rows: bring the organisation's daily
 * rollup up to date (the recent window and back to `writtenFrom`, the
 * earliest day the run wrote rows on, or the whole history after a full
 * sync; see RefreshInsights) and drop its cached dashboard fragments. A
 * failure is logged, never thrown: the sync itself succeeded. The
 * organisation is then marked dirty from `writtenFrom`, so the
 * insights:refresh schedule tries again within minutes.
 */
export default class RefreshInsightsAfterSync {
  async execute({
    organizationId,
    ...options
  }: {
    organizationId: number
    full?: boolean
    writtenFrom?: Day | null
  }) {
    try {
      await new RefreshInsights().execute({
        organizationId,
        full: options.full,
        writtenFrom: options.writtenFrom ?? undefined,
      })
    } catch (error) {
      logger.warn(
        { err: error, organizationId },
        'Could not refresh the insights rollup after a sync'
      )
      await markInsightsDirty(organizationId, options.writtenFrom ?? today()).catch((markError) =>
        logger.warn({ err: markError, organizationId }, 'Could not mark the insights dirty either')
      )
    }
  }
}
