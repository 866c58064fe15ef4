import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * GDPR erasure: a person's personal data goes, what they contributed
 * stays, attributed to an anonymous person.
 */
export default class EraseUserCommand extends BaseCommand {
  static commandName = 'erase:user'
  static description =
    'Erase a person (GDPR): personal data, sign-in factors, sessions and tokens go; contributions stay, anonymous'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The account: its email or public id' })
  declare user: string

  @flags.boolean({ description: 'Do not ask to type the email back (scripts)' })
  declare force?: boolean

  async run() {
    const { Exception } = await import('@adonisjs/core/exceptions')
    const { default: User } = await import('#models/user')
    const { default: EraseUser } = await import('#actions/admin/erase_user')
    if (!this.force) {
      if (!process.stdin.isTTY) {
        this.logger.error(
          `${this.commandName}: type the account's email at the prompt, or pass --force in a script`
        )
        this.exitCode = 1
        return
      }
      const found = this.user.includes('@')
        ? await User.findBy('email', this.user.trim().toLowerCase())
        : await User.findByPublicId(this.user.trim())
      const typed = await this.prompt.ask(`Type "${found?.email ?? this.user}" to erase it`)
      if (!found || typed.trim().toLowerCase() !== found.email.toLowerCase()) {
        this.logger.error(`${this.commandName}: the email did not match; nothing was erased`)
        this.exitCode = 1
        return
      }
    }
    try {
      const { before, report } = await new EraseUser().execute({ identifier: this.user })
      this.logger.success(
        `${before.email} erased (now ${report.placeholder}): ${report.auditEventsAnonymised} audit events, ${report.peopleAnonymised} people, ${report.identitiesAnonymised} provider identities anonymised; ${report.sessionsRevoked} sessions ended`
      )
    } catch (error) {
      if (!(error instanceof Exception) || !error.status || error.status >= 500) throw error
      this.logger.error(`${this.commandName}: ${error.message}`)
      this.exitCode = 1
    }
  }
}
