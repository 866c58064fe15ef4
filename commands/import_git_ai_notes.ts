import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { commandErrorMessage } from '#services/command_errors'

/**
 * Reads the Git AI authorship notes (refs/notes/ai) of a git clone into
 * one repository's facts and rebuilds its GBOM (docs/ai_code.md). A bad
 * note reads nothing: one line naming its commit, exit 1.
 */
export default class ImportGitAiNotesCommand extends BaseCommand {
  static commandName = 'import:git-ai-notes'
  static description = "Read a git clone's Git AI authorship notes (refs/notes/ai) for a repository"
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The git clone (its working folder or .git folder)' })
  declare clone: string

  @flags.string({ description: 'The organisation: its number, public id or slug' })
  declare org?: string

  @flags.string({ description: 'The repository: its full name (owner/name) or public id' })
  declare repository?: string

  async run() {
    const { findOrganizationArgument } = await import('#services/command_arguments')
    const { findRepositoryArgument } =
      await import('#actions/ai_code/import_scheduled_git_ai_notes')
    const { default: ImportGitAiNotes } = await import('#actions/ai_code/import_git_ai_notes')
    if (!this.org || !this.repository) {
      this.logger.error(`${this.commandName}: give --org and --repository`)
      this.exitCode = 1
      return
    }
    const organization = await findOrganizationArgument(this.org)
    if (!organization) {
      this.logger.error(`${this.commandName}: no organisation "${this.org}"`)
      this.exitCode = 1
      return
    }
    const repository = await findRepositoryArgument(organization.id, this.repository)
    if (!repository) {
      this.logger.error(
        `${this.commandName}: no repository "${this.repository}" in the organisation`
      )
      this.exitCode = 1
      return
    }
    try {
      const result = await new ImportGitAiNotes().execute({
        organizationId: organization.id,
        repositoryId: repository.id,
        clonePath: this.clone,
      })
      this.logger.success(
        `${this.commandName}: ${result.notes} note(s) read into ${repository.fullName}; GBOM rebuilt`
      )
    } catch (error) {
      this.logger.error(`${this.commandName}: ${commandErrorMessage(error)}; nothing was read`)
      this.exitCode = 1
    }
  }
}
