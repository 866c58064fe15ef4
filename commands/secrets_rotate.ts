import { commandErrorMessage } from '#services/command_errors'
import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Key rotation: put a new key first in SECRETS_ENCRYPTION_KEYS (keeping
 * the old ones), run this, then remove the old keys.
 */
export default class SecretsRotate extends BaseCommand {
  static commandName = 'secrets:rotate'
  static description = 'Re-encrypt every stored secret with the newest SECRETS_ENCRYPTION_KEYS key'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: RotateSecrets } = await import('#actions/security/rotate_secrets')
    try {
      const report = await new RotateSecrets().execute()
      for (const entry of report) {
        this.logger.info(
          `${entry.table}.${entry.column}: ${entry.rotated} re-encrypted, ${entry.current} already current`
        )
      }
      this.logger.success(
        'Every secret is sealed with the newest key; older keys may now be removed'
      )
    } catch (error) {
      this.logger.error(`secrets:rotate: ${commandErrorMessage(error)}`)
      this.exitCode = 1
    }
  }
}
