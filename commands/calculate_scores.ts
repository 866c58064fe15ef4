import { commandErrorMessage } from '#services/command_errors'
import { plural } from '#services/plural'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { checkCalendarDay } from '#validators/cli'

/**
 * The old "calculate_scores": turns every organisation's metrics (or one
 * organisation's) into 0–100 scores against the reference data and
 * stores today's point. --rollup rebuilds the daily rollup first.
 */
export default class CalculateScoresCommand extends BaseCommand {
  static commandName = 'calculate:scores'
  static description = 'Score metrics against the reference data and store one point per day'
  static aliases = ['calculate_scores']
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this organisation (its public id or slug)' })
  declare org?: string

  @flags.boolean({ description: 'Rebuild the daily metrics rollup first' })
  declare rollup?: boolean

  @flags.string({ description: 'Score this UTC day (YYYY-MM-DD) instead of today' })
  declare day?: string

  async run() {
    const { default: CalculateScores } = await import('#actions/insights/calculate_scores')
    const { default: RollUpMetrics } = await import('#actions/insights/roll_up_metrics')
    const { resolveOrganizations } = await import('#services/insights/organizations')
    try {
      if (this.day !== undefined) checkCalendarDay('day', this.day)
      const organizations = await resolveOrganizations(this.org)
      let points = 0
      let incomplete = 0
      let metrics = 0
      for (const organizationId of organizations) {
        if (this.rollup) await new RollUpMetrics().execute({ organizationId })
        const result = await new CalculateScores().execute({ organizationId, day: this.day })
        points += result.points
        incomplete += result.incomplete
        metrics = result.metrics
      }
      if (organizations.length > 0 && metrics === 0) {
        this.logger.warning(
          'No reference records: import them with "node ace import:reference-data"'
        )
      }
      this.logger.success(
        `${plural(points, 'score point')} for ${plural(organizations.length, 'organisation')}` +
          (incomplete ? `, ${incomplete} incomplete (not enough data)` : '')
      )
    } catch (error) {
      this.logger.error(`calculate:scores: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}
