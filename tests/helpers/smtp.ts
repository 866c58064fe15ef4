import { SMTPServer } from 'smtp-server'
import { simpleParser } from 'mailparser'
import type { AddressInfo } from 'node:net'

/**
 * A real SMTP server on loopback that keeps every message it receives,
 * so tests read the invitation and reset links the way a user would.
 */
export type ReceivedMail = { to: string[]; subject: string; text: string; html: string }

const received: ReceivedMail[] = []
let server: SMTPServer | null = null

/**
 * Listens on a port the OS picks and returns it; the test runner starts it
 * before the application boots and points SMTP_PORT at it (see
 * tests/helpers/loopback_services.ts).
 */
export async function startSmtpServer(): Promise<number> {
  if (server) return smtpPort()
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = [mail.to]
            .flat()
            .flatMap((address) => address?.value.map((entry) => entry.address ?? '') ?? [])
          received.push({
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: String(mail.html ?? ''),
          })
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject)
    server!.listen(0, '127.0.0.1', () => resolve())
  })
  return smtpPort()
}

function smtpPort() {
  return (server!.server.address() as AddressInfo).port
}

export async function stopSmtpServer() {
  if (!server) return
  await new Promise<void>((resolve) => server!.close(() => resolve()))
  server = null
}

export function mailsTo(address: string) {
  return received.filter((mail) => mail.to.includes(address))
}

export function lastMailTo(address: string) {
  return mailsTo(address).at(-1) ?? null
}

/**
 * The first link to this site in a mail's text.
 */
export function linkIn(mail: ReceivedMail, pathPrefix: string) {
  const match = new RegExp(`https?://[^\\s]+${pathPrefix.replace(/\//g, '\\/')}[^\\s]+`).exec(
    mail.text
  )
  if (!match) throw new Error(`no ${pathPrefix} link in mail "${mail.subject}"`)
  return new URL(match[0]).pathname
}
