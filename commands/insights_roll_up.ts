import { commandErrorMessage } from '#services/command_errors'
import { plural } from '#services/plural'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Rebuilds the daily metrics rollup the insights pages read (normally
 * done after every sync run), for every organisation or one.
 */
export default class InsightsRollUpCommand extends BaseCommand {
  static commandName = 'insights:roll-up'
  static description = 'Rebuild the daily metrics rollup of the insights pages'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this organisation (its public id or slug)' })
  declare org?: string

  async run() {
    const { default: RollUpMetrics } = await import('#actions/insights/roll_up_metrics')
    const { resolveOrganizations } = await import('#services/insights/organizations')
    const { invalidateInsights } = await import('#services/insights/cache')
    try {
      const organizations = await resolveOrganizations(this.org)
      let rows = 0
      for (const organizationId of organizations) {
        const rolledUp = await new RollUpMetrics().execute({ organizationId })
        rows += rolledUp.metricRows
        await invalidateInsights(organizationId)
      }
      this.logger.success(
        `${plural(rows, 'daily row')} for ${plural(organizations.length, 'organisation')}`
      )
    } catch (error) {
      this.logger.error(`insights:roll-up: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}
