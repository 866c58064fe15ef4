import { commandErrorMessage } from '#services/command_errors'
import { plural } from '#services/plural'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The old "experiment_contextualization_script": the daily narrative
 * insights. The statistical pass finds anomalies in the daily metrics
 * (robust z-scores against the same weekday of the trailing weeks) and
 * stores them per day; the Executive Summary shows them as "What
 * changed" and the weekly digest repeats them.
 */
export default class InsightsContextualize extends BaseCommand {
  static commandName = 'insights:contextualize'
  static description =
    'Find what changed in the daily metrics and store it for the Executive Summary'
  static aliases = ['experiment_contextualization_script']
  static options: CommandOptions = { startApp: true }
  static numberBounds = { days: { min: 1, max: 366 }, dayInterval: { min: 1, max: 366 } }

  @flags.string({ description: 'Only this organisation: its number, public id or slug' })
  declare org?: string

  @flags.string({ description: 'The old name of --org' })
  declare orgid?: string

  @flags.number({ description: 'How many days before --day to look at (14 by default)' })
  declare days?: number

  @flags.number({ description: 'The old name of --days' })
  declare dayInterval?: number

  @flags.string({ description: 'Comma-separated: anomalies, summary (anomalies by default)' })
  declare pipelines?: string

  @flags.string({
    description: 'Store the findings for this UTC day (YYYY-MM-DD) instead of today',
  })
  declare day?: string

  async run() {
    const { default: ContextualizeInsights, parsePipelines } =
      await import('#actions/insights/contextualize_insights')
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { checkCalendarDay } = await import('#validators/cli')
    const { default: Organization } = await import('#models/organization')
    try {
      if (this.day !== undefined) checkCalendarDay('day', this.day)
      const pipelines = parsePipelines(this.pipelines ?? 'anomalies')
      const named = this.orgid ?? this.org
      let organizations: Array<{ id: number; name: string }>
      if (named === undefined) {
        organizations = await Organization.query().select('id', 'name').orderBy('id')
      } else {
        const organization = await findOrganizationArgument(named)
        if (!organization)
          throw new Error(`no organisation "${named}" (its number, public id or slug)`)
        organizations = [organization]
      }
      const days = this.days ?? this.dayInterval ?? 14
      for (const organization of organizations) {
        const report = await new ContextualizeInsights().execute({
          organizationId: organization.id,
          days,
          pipelines,
          day: this.day,
        })
        this.logger.success(
          `${organization.name}: ${plural(report.findings.length, 'finding')} stored for ${report.day}`
        )
        for (const finding of report.findings) this.logger.info(`  ${finding.summary}`)
        if (report.narratives) {
          this.logger.info(
            `  summary: ${plural(report.narratives.narrated, 'narrative')} written by ${report.narratives.model}`
          )
        }
        for (const skipped of report.skipped)
          this.logger.warning(`  ${skipped.pipeline}: ${skipped.reason}`)
        for (const warning of report.warnings) this.logger.warning(`  ${warning}`)
        for (const failed of report.failed) {
          this.logger.error(`insights:contextualize: ${failed.pipeline}: ${failed.reason}`)
        }
        // non-zero only when nothing asked for could be done (docs/insights.md)
        if (report.failed.length === pipelines.length) this.exitCode = 1
      }
    } catch (error) {
      this.logger.error(`insights:contextualize: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}
