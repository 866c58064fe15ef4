import type { TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/** a browser-like client signed in as the account (password and TOTP) */
export async function signedIn(account: TestAccount) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return web
}

/** reads a Server-Sent Events body into its events */
export function parseEvents(body: string) {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n')
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message'
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n')
      return { event, data }
    })
}
