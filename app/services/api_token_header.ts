/**
 * The API token a request carries. Clients that let the user type one
 * header (the Noa app) get it wrong in every way, so any of these work:
 * "Authorization: Bearer <token>", "Authorization: <token>",
 * "X-Api-Key: <token>" and "X-Api-Key: Bearer <token>". Authorization
 * wins when both are sent. Anything else (another scheme such as Basic,
 * a value with spaces) yields null and the request is refused.
 */
export function apiTokenFrom(headers: {
  authorization?: string | string[]
  apiKey?: string | string[]
}): string | null {
  const authorization = single(headers.authorization)
  const value = authorization ?? single(headers.apiKey)
  if (value === null) return null
  const bearer = /^bearer\s+(\S+)$/i.exec(value)
  if (bearer) return bearer[1]
  return /^\S+$/.test(value) ? value : null
}

function single(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value
  const trimmed = first?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}
