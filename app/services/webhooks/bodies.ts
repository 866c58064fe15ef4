/**
 * Webhook bodies as plugins see them, at receipt (verify) and when the
 * stored delivery is processed (handlers): JSON, or form fields for
 * application/x-www-form-urlencoded. Bracketed names nest the way
 * Mailchimp and PHP-era providers send them: `data[merges][EMAIL]=a`
 * → `{ data: { merges: { EMAIL: 'a' } } }`, `tags[]=x&tags[]=y` → an array.
 */

const FORM = 'application/x-www-form-urlencoded'
const MAX_DEPTH = 8
/** names that would reach Object.prototype instead of the parsed object */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor'])

type FormValue = string | FormValue[] | { [key: string]: FormValue }

/** the media type of a Content-Type header, lower case, without parameters */
export function mediaType(contentType: string | null | undefined): string | null {
  const type = contentType?.split(';')[0].trim().toLowerCase()
  return type ? type : null
}

function keyPath(name: string): string[] {
  const match = /^([^[\]]*)((?:\[[^[\]]*\])*)$/.exec(name)
  if (!match || match[1] === '') return [name]
  const rest = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1])
  return [match[1], ...rest].slice(0, MAX_DEPTH + 1)
}

/** parses a form body, nesting bracketed names; never touches Object.prototype */
export function parseFormBody(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = Object.create(null)
  for (const [name, value] of new URLSearchParams(text)) {
    const path = keyPath(name)
    if (path.some((key) => FORBIDDEN_KEYS.has(key))) continue
    let node: Record<string, FormValue> | FormValue[] = root
    for (const [index, key] of path.entries()) {
      const last = index === path.length - 1
      if (Array.isArray(node)) {
        // "a[]": append; a deeper path under an array item is flattened into it
        if (last) node.push(value)
        break
      }
      if (last) {
        node[key] = value
        break
      }
      const nextIsList = path[index + 1] === ''
      const existing: FormValue | undefined = node[key]
      if (existing === undefined || typeof existing === 'string') {
        node[key] = nextIsList ? [] : Object.create(null)
      }
      node = node[key] as Record<string, FormValue> | FormValue[]
    }
  }
  return JSON.parse(JSON.stringify(root)) as Record<string, FormValue>
}

/**
 * A body parsed by its content type: JSON (also when the type is absent
 * and the body looks like JSON), form fields, or undefined. GitHub's
 * form content type sends the JSON as one "payload" field: that field is
 * parsed, as the JSON body it stands for.
 */
export function parseWebhookBody(raw: Buffer | string, contentType: string | null): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8')
  const type = mediaType(contentType)
  if (type === FORM) {
    const form = parseFormBody(text)
    const keys = Object.keys(form)
    if (keys.length === 1 && keys[0] === 'payload' && typeof form.payload === 'string') {
      try {
        return JSON.parse(form.payload)
      } catch {
        return form
      }
    }
    return form
  }
  if (type === null || type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text)
    } catch {
      return undefined
    }
  }
  return undefined
}
