import { SMTPServer } from 'smtp-server'
import { simpleParser } from 'mailparser'

/**
 * A real SMTP server on loopback that keeps every message it receives,
 * so tests read the invitation and reset links the way a user would.
 */
export type ReceivedMail = { to: string[]; subject: string; text: string; html: string }

const received: ReceivedMail[] = []
let server: SMTPServer | null = null

export async function startSmtpServer(port = Number(process.env.SMTP_PORT ?? 2526)) {
  if (server) return
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
    server!.listen(port, '127.0.0.1', () => resolve())
  })
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
