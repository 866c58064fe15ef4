import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'

/**
 * An expected refusal of what a form (or an API client) sent: a wrong
 * password, a code that does not match, a name already taken. It carries
 * the field it is about (null: the form as a whole), and the exception
 * handler renders it by client kind (see docs/errors.md): inline on the
 * form for a browser or htmx, `{ errors: [{ code, message, field }] }`
 * for JSON. Subclasses set `static status` and `static code`.
 */
export class FormRefusalException extends Exception {
  static status = 422
  static code = 'E_FORM_REFUSED'

  /** the form field the message belongs next to; null for the whole form */
  readonly field: string | null
  /** seconds until a throttled form may be sent again (Retry-After) */
  readonly retryAfter?: number

  constructor(
    message: string,
    options: {
      field?: string | null
      retryAfter?: number
      status?: number
      code?: string
      cause?: unknown
    } = {}
  ) {
    super(message, { status: options.status, code: options.code, cause: options.cause })
    this.field = options.field ?? null
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter
  }
}

export function isFormRefusal(error: unknown): error is FormRefusalException {
  return error instanceof FormRefusalException
}

/**
 * How a refused form is shown again, when not by going back to the page
 * it was posted from:
 * - `view`: the form's page (or htmx fragment) drawn again in place, with
 *   the refusal's status; `state` is what the view needs besides the errors;
 * - `redirectTo`: where the browser is sent with the errors flashed.
 */
export type RefusedFormRedraw =
  | {
      view: string
      state?: FormState | ((refused: FormRefusalException) => FormState | Promise<FormState>)
      /** where a refusal of the whole form (no field) is sent as a notice instead */
      wholeFormTo?: string
    }
  | { redirectTo: string }

type FormState = Record<string, unknown>

const redraws = new WeakMap<HttpContext, RefusedFormRedraw>()

/**
 * Tells the exception handler how to show this request's form again if an
 * action refuses it. Declared before the action runs; the handler does the
 * rest, so a controller never catches its own refusals.
 */
export function redrawOnRefusal(ctx: HttpContext, redraw: RefusedFormRedraw) {
  redraws.set(ctx, redraw)
}

export function refusedFormRedraw(ctx: HttpContext): RefusedFormRedraw | undefined {
  return redraws.get(ctx)
}

/**
 * Old input is put back in the form, except what must never be written
 * into a session or a page: passwords, codes, tokens, secrets, keys.
 */
const SECRET_INPUT = /password|passcode|secret|token|code|key|credential|_csrf/i

/** the posted fields to put back in the form: never a password, code, token or key */
export function withoutSecrets(input: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(input)) {
    if (SECRET_INPUT.test(name)) continue
    const nested = typeof value === 'object' && value !== null && !Array.isArray(value)
    kept[name] = nested ? withoutSecrets(value as Record<string, unknown>) : value
  }
  return kept
}

/**
 * Validation whose failure the form shows as one sentence (a choice left
 * empty, a list of checkboxes) rather than per-field rule messages.
 */
export async function validatedOrRefused<T>(
  validation: Promise<T>,
  message: string,
  field: string | null = null
): Promise<T> {
  try {
    return await validation
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    throw new FormRefusalException(message, { field, cause: error })
  }
}
