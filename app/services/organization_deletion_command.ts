import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type Organization from '#models/organization'
import type { DeletionPlan } from '#services/organization_deletion_types'

/**
 * What delete:organization and delete:organization-data share: the
 * organisation argument (its number, public id or slug), --dry-run to
 * list what would go, and the confirmation (typing the organisation's
 * name, or --force in a script). Each command prints its own plan and
 * runs its own action.
 */
export abstract class OrganizationDeletionCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The organisation: its number (admin area), public id or slug' })
  declare organization: string

  @flags.boolean({ description: 'List what would be deleted and stop' })
  declare dryRun?: boolean

  @flags.boolean({ description: "Do not ask to type the organisation's name (scripts)" })
  declare force?: boolean

  /** one line naming the command, and a non-zero exit */
  protected fail(message: string) {
    this.logger.error(`${this.commandName}: ${message}`)
    this.exitCode = 1
  }

  /** the organisation the argument names, or null once the failure is written */
  protected async findOrganization(): Promise<Organization | null> {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const organization = await findOrganizationArgument(this.organization)
    if (!organization) {
      this.fail(`no organisation "${this.organization}" (its number, public id or slug)`)
    }
    return organization
  }

  /** the heading and the rows per table every plan starts with */
  protected printPlanHeading(organization: Organization, plan: DeletionPlan) {
    this.logger.info(`${organization.name} (${organization.publicId}):`)
    for (const { table, rows } of plan.tables) this.logger.log(`  ${table}: ${rows} rows`)
    this.logger.log(`  connections to disconnect: ${plan.connections}`)
    this.logger.log(`  snapshots on disk: ${plan.snapshotsFolder ?? 'none'}`)
  }

  /**
   * Whether to go on: --force, or the organisation's name typed at the
   * prompt (`question` names what goes). Without a terminal and without
   * --force, it refuses.
   */
  protected async confirmed(organization: Organization, question: string): Promise<boolean> {
    if (this.force) return true
    if (!process.stdin.isTTY) {
      this.fail("type the organisation's name at the prompt, or pass --force in a script")
      return false
    }
    const typed = await this.prompt.ask(question)
    if (typed.trim() !== organization.name) {
      this.fail('the name did not match; nothing was deleted')
      return false
    }
    return true
  }
}
