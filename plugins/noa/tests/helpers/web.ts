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

/** a 1×1 PNG */
export function png() {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64'
  )
}

/**
 * Posts the chat's send form as a browser does with a photo attached
 * (multipart, session cookie, the CSRF token of the last page).
 */
export async function postChatForm(
  web: WebClient,
  path: string,
  message: string,
  photo: { bytes: Buffer; name: string; type?: string } | null,
  headers: Record<string, string> = {}
) {
  const form = new FormData()
  form.append('_csrf', web.csrfToken ?? '')
  form.append('message', message)
  if (photo) {
    form.append('photo', new Blob([photo.bytes], { type: photo.type ?? 'image/png' }), photo.name)
  } else {
    form.append('photo', new Blob([]), '')
  }
  const response = await fetch(new URL(path, web.baseUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { accept: 'text/html', cookie: web.cookieHeader(), ...headers },
  })
  return {
    status: response.status,
    headers: response.headers,
    location: response.headers.get('location'),
    text: await response.text(),
  }
}
