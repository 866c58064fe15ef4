import env from '#start/env'
import { defineConfig, transports } from '@adonisjs/mail'
import { JSONTransport } from '@adonisjs/mail/transports/json'

/**
 * Invitations and password resets go out over SMTP. Without SMTP_HOST the
 * "json" transport builds the message without sending it, and the mailer
 * service logs that it was not delivered.
 */
export const smtpConfigured = Boolean(env.get('SMTP_HOST'))

/**
 * Whether mail goes out, read at every send (app/services/mailer.ts):
 * SMTP_HOST at boot; a test of the "no mail relay" path turns it off
 * for its duration, as an operator would by unsetting SMTP_HOST.
 */
export const mailRelay = { configured: smtpConfigured }

const mailConfig = defineConfig({
  default: smtpConfigured ? 'smtp' : 'json',
  from: env.get('MAIL_FROM', 'Sextant <sextant@localhost>'),
  mailers: {
    smtp: transports.smtp({
      host: env.get('SMTP_HOST', '127.0.0.1'),
      port: env.get('SMTP_PORT', 587),
      secure: env.get('SMTP_SECURE', false),
      ignoreTLS: !env.get('SMTP_SECURE', false) && env.get('SMTP_HOST') === '127.0.0.1',
      auth: env.get('SMTP_USERNAME')
        ? {
            type: 'login',
            user: env.get('SMTP_USERNAME')!,
            pass: env.get('SMTP_PASSWORD')?.release() ?? '',
          }
        : undefined,
    }),
    json: () => new JSONTransport(),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
