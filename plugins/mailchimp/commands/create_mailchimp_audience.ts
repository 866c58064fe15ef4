import { BaseCommand, flags, installationConnections } from '#plugin-sdk'
import type { CommandOptions } from '#plugin-sdk'
import { describe, mailchimpClient } from '../client.js'
import { ensureAudience, type AudienceDetails } from '../audience.js'
import { accountFromEnvironment, accountOf, type MailchimpAccount } from '../settings.js'

const QUESTIONS: Array<[keyof AudienceDetails, string]> = [
  ['name', 'Audience name'],
  ['company', 'Company (shown in every email footer)'],
  ['address1', 'Street address'],
  ['city', 'City'],
  ['state', 'State or region'],
  ['zip', 'Postcode'],
  ['country', 'Country (two-letter code)'],
  ['permissionReminder', 'Permission reminder (why people get these emails)'],
  ['fromName', 'From name'],
  ['fromEmail', 'From email'],
]

/**
 * Creates the operator's audience with the contact and permission
 * reminder Mailchimp requires, then the merge fields Sextant syncs;
 * idempotent: run again, it creates only what is missing and says what
 * exists. Uses the Mailchimp connection of the admin area when there is
 * one (its sealed key, server prefix and audience), else MAILCHIMP_API_KEY
 * (and MAILCHIMP_AUDIENCE_ID when the audience exists already).
 */
export default class CreateMailchimpAudience extends BaseCommand {
  static commandName = 'create:mailchimp-audience'
  static aliases = ['create_mailchimp_audience']
  static description =
    "Create Sextant's Mailchimp audience and its merge fields (only what is missing); prints the audience id"
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Audience name' }) declare name?: string
  @flags.string({ description: 'Company for the footer' }) declare company?: string
  @flags.string({ description: 'Street address', flagName: 'address1' }) declare address1?: string
  @flags.string({ description: 'City' }) declare city?: string
  @flags.string({ description: 'State or region' }) declare state?: string
  @flags.string({ description: 'Postcode' }) declare zip?: string
  @flags.string({ description: 'Country (two-letter code)' }) declare country?: string
  @flags.string({ description: 'Permission reminder' }) declare permissionReminder?: string
  @flags.string({ description: 'From name' }) declare fromName?: string
  @flags.string({ description: 'From email' }) declare fromEmail?: string

  async run() {
    const account = await this.#account()
    if (!account) {
      this.logger.error(
        'create:mailchimp-audience: connect Mailchimp in the admin area, or set MAILCHIMP_API_KEY (ending in -usXX, or with MAILCHIMP_SERVER_PREFIX)'
      )
      this.exitCode = 1
      return
    }
    const details = {} as AudienceDetails
    for (const [key, question] of QUESTIONS) {
      const given = this[key]?.trim()
      if (given) details[key] = given
      else if (!account.audienceId && process.stdin.isTTY) {
        const answer = await this.prompt.ask(question)
        details[key] = answer.trim()
      } else if (!account.audienceId) {
        this.logger.error(`create:mailchimp-audience: --${flagName(key)} is required`)
        this.exitCode = 1
        return
      }
    }
    try {
      const report = await ensureAudience(mailchimpClient(account), {
        audienceId: account.audienceId,
        details,
      })
      this.logger.info(
        report.audienceCreated
          ? `Created the audience ${report.audienceId}`
          : `The audience ${report.audienceId} exists`
      )
      this.logger.info(
        report.createdFields.length > 0
          ? `Created merge fields: ${report.createdFields.join(', ')}`
          : 'Nothing to create: every merge field exists'
      )
      if (report.existingFields.length > 0) {
        this.logger.info(`Existing merge fields: ${report.existingFields.join(', ')}`)
      }
      this.logger.log(`MAILCHIMP_AUDIENCE_ID=${report.audienceId}`)
    } catch (error) {
      this.logger.error(`create:mailchimp-audience: ${describe(error)}`)
      this.exitCode = 1
    }
  }

  async #account(): Promise<MailchimpAccount | null> {
    const fromConnection = await connectionAccount()
    if (fromConnection) {
      this.logger.info('Using the Mailchimp connection of the admin area')
      return fromConnection
    }
    return accountFromEnvironment()
  }
}

/** the admin area's connection when it holds a key, else the environment's account */
async function connectionAccount(): Promise<MailchimpAccount | null> {
  const [connection] = await installationConnections('mailchimp')
  if (!connection) return null
  const account = accountOf(connection)
  return account.apiKey && account.server ? account : null
}

function flagName(key: string) {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}
