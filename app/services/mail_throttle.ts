import logger from '@adonisjs/core/services/logger'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { mailLimiters } from '#start/limiter'

/**
 * Who asks for a mail: an anonymous address (sign-up, password reset)
 * with a small budget, or a signed-in member (invitations) with a larger
 * one.
 */
export type MailRequester = { kind: 'address'; ip: string | null } | { kind: 'user'; id: number }

const PER_HOUR = { address: 10, user: 60 } as const

/**
 * Spends one mail of the recipient's and the requester's hourly budgets;
 * false when either is spent (the mail must then be held back, and
 * nothing else done: a fresh reset link would void the one already
 * mailed). Call it before any other work of the request.
 */
export async function mayMail(recipient: string, requester: MailRequester): Promise<boolean> {
  const to = recipient.trim().toLowerCase()
  const requesterKey =
    requester.kind === 'user' ? `mail_from_user:${requester.id}` : `mail_from_ip:${requester.ip}`
  const checks = [
    { limiter: mailLimiters.perRecipient(), key: `mail_to:${to}` },
    { limiter: mailLimiters.perRequester(PER_HOUR[requester.kind]), key: requesterKey },
  ]
  for (const { limiter, key } of checks) {
    try {
      await limiter.consume(key)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      logger.info(
        { requester: requester.kind, limit: key.split(':')[0] },
        'mail held back by its hourly limit'
      )
      return false
    }
  }
  return true
}
