import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import mail from '@adonisjs/mail/services/main'
import { mailRelay } from '#config/mail'

export type OutgoingMail = { to: string; subject: string; text: string; html: string }

/**
 * Sends a transactional mail. Without SMTP configured (development) the
 * mail is not sent and, outside production, its text is logged so the
 * link in it can be followed. Answers whether the mail went out, so the
 * page can say so instead of claiming it was sent.
 */
export async function sendMail(message: OutgoingMail): Promise<boolean> {
  const configured = mailRelay.configured
  await mail.use(configured ? 'smtp' : 'json').send((builder) => {
    builder.to(message.to).subject(message.subject).text(message.text).html(message.html)
  })
  if (!configured) {
    if (app.inProduction) {
      logger.warn(
        { to: message.to, subject: message.subject },
        'mail not delivered: SMTP_HOST is not set'
      )
    } else {
      logger.info(
        `mail not delivered (no SMTP_HOST) to ${message.to}: ${message.subject}\n${message.text}`
      )
    }
  }
  return configured
}
