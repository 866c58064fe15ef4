import { FormRefusalException } from '#exceptions/form_refusal'
import { errors as vineErrors } from '@vinejs/vine'
import Connection from '#models/connection'
import { isInstallationScoped, whereOwner } from '#services/plugins/installation_scope'
import type Organization from '#models/organization'
import type User from '#models/user'
import { pluginRegistry, type LoadedPlugin } from '#services/plugins/registry'
import {
  findMethod,
  isFormAuth,
  storedMethodId,
  type ConnectMethod,
} from '#services/plugins/auth_methods'
import type { ConnectionField } from '#plugin-sdk/types'
import { connectionBaseUrlValidator } from '#validators/connection'
import { checkOutboundUrl } from '#services/http/outbound_dispatcher'
import { OutboundRequestRefused } from '#services/http/outbound_policy'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'
import {
  finishConnecting,
  upsertConnection,
  type ConnectOutcome,
} from '#actions/connections/store_connection'

export type FieldErrors = Record<string, string[]>

/**
 * The connect form was filled in wrongly: the messages by field, and what
 * the user typed (secrets left out) to fill the form in again.
 */
export class ConnectInputException extends FormRefusalException {
  static status = 422
  static code = 'E_CONNECT_INPUT'

  constructor(
    readonly pluginId: string,
    readonly fieldErrors: FieldErrors,
    readonly values: Record<string, string>,
    /** the authentication method whose form was sent */
    readonly methodId: string | null = null
  ) {
    super('The connect form has errors: see the messages next to the fields.', {
      field: Object.keys(fieldErrors)[0] ?? null,
    })
  }
}

/** the connect form's errors by field and what was typed (secrets left out), for its page */
export function connectFormErrors(refused: unknown) {
  if (!(refused instanceof ConnectInputException)) return null
  return {
    pluginId: refused.pluginId,
    methodId: refused.methodId,
    fields: refused.fieldErrors,
    values: refused.values,
  }
}

function isValidationError(error: unknown): error is { messages: unknown[] } {
  return (
    error instanceof vineErrors.E_VALIDATION_ERROR ||
    ((error as { code?: string })?.code === 'E_VALIDATION_ERROR' &&
      Array.isArray((error as { messages?: unknown }).messages))
  )
}

function collectMessages(error: { messages: unknown[] }, into: FieldErrors) {
  for (const entry of error.messages as { field?: string; message?: string }[]) {
    const field = entry.field || 'form'
    ;(into[field] ??= []).push(String(entry.message ?? 'Invalid value'))
  }
}

function asText(value: unknown) {
  return typeof value === 'string'
    ? value.trim()
    : value === undefined || value === null
      ? ''
      : String(value)
}

/**
 * Without a validator, the plugin's own field list says what is required.
 */
function checkRequiredFields(method: ConnectMethod, fields: Record<string, unknown>) {
  const output: Record<string, unknown> = {}
  const fieldErrors: FieldErrors = {}
  for (const field of method.fields) {
    const value = asText(fields[field.name])
    if (field.required && value === '') fieldErrors[field.name] = [`${field.label} is required`]
    else if (value !== '') output[field.name] = value
  }
  return { output, fieldErrors }
}

function originOf(url: string) {
  return URL.canParse(url) ? new URL(url).origin : null
}

/**
 * A typed base URL is one the server will call: the outbound policy
 * must accept it (no loopback, private or metadata address unless the
 * operator allows it), or the form says why.
 */
async function baseUrlRefusal(baseUrl: string | null): Promise<string | null> {
  if (!baseUrl) return null
  try {
    await checkOutboundUrl(baseUrl)
    return null
  } catch (error) {
    if (!(error instanceof OutboundRequestRefused)) throw error
    return `This address is ${error.message}`
  }
}

/** the non-secret fields as typed (validated where they passed), empty ones left out */
function typedConfigOf(
  declared: ConnectionField[],
  validated: Record<string, unknown>,
  submitted: Record<string, unknown>
) {
  const config: Record<string, unknown> = {}
  for (const field of declared) {
    if (field.secret) continue
    const value = validated[field.name] ?? asText(submitted[field.name])
    if (value !== '' && value !== null && value !== undefined) config[field.name] = value
  }
  return config
}

/**
 * The provider-side account the form names. Before validation has
 * passed, a plugin's accountKey may not cope with the input: null then.
 */
function accountKeyOf(
  method: ConnectMethod,
  config: Record<string, unknown>,
  baseUrl: string,
  options: { strict?: boolean } = {}
): string | null {
  try {
    const key = method.accountKey?.({
      config,
      baseUrl: baseUrl.replace(/\/+$/, ''),
    })
    return (key || 'default').slice(0, 191)
  } catch (error) {
    if (options.strict) throw error
    return null
  }
}

/**
 * A stored secret is bound to the origin it was saved for: reconnecting
 * an account at another address needs every secret typed again, so a
 * secret never travels to an address chosen after it was saved. Returns
 * the message for each secret field left blank.
 */
async function secretsToRetype(input: {
  organizationId: number | null
  plugin: LoadedPlugin
  method: ConnectMethod
  accountKey: string
  baseUrl: string
  submitted: Record<string, unknown>
}): Promise<FieldErrors> {
  const existing = await whereOwner(Connection.query(), input.organizationId)
    .where('plugin_id', input.plugin.id)
    .where('account_key', input.accountKey)
    .first()
  if (!existing?.credentials) return {}
  const savedFor = originOf(
    existing.baseUrl ?? input.plugin.definition.connection?.baseUrl?.default ?? ''
  )
  const pointsTo = originOf(input.baseUrl)
  if (savedFor === pointsTo) return {}
  const errors: FieldErrors = {}
  for (const field of input.method.fields) {
    if (!field.secret || asText(input.submitted[field.name]) !== '') continue
    errors[field.name] = [
      `The address changed from ${savedFor} to ${pointsTo}: type the ${field.label} again (a stored secret is only sent to the address it was saved for)`,
    ]
  }
  return errors
}

/**
 * Connects an organisation to a provider with a pasted token or API key:
 * the plugin's validator checks the form, secret fields are sealed into
 * the credentials and the others kept as config, then the plugin's test
 * decides whether the connection is active, and a first sync is queued.
 */
export default class ConnectWithToken {
  async execute(input: {
    /** null: the installation's own connection (admin area, superusers only) */
    organization: Organization | null
    actor: User
    pluginId: string
    /** the authentication method picked (default: the plugin's first) */
    methodId?: string | null
    fields: unknown
    baseUrl: unknown
  }): Promise<ConnectOutcome> {
    const plugin = pluginRegistry.require(input.pluginId)
    const settings = plugin.definition.connection
    const method = findMethod(plugin, input.methodId)
    if (!settings || !method || !isFormAuth(method.auth)) {
      throw new ConnectionActionRefusedException(
        input.methodId && !method
          ? `${plugin.definition.name} has no way to connect called "${input.methodId}".`
          : `${plugin.definition.name} does not connect with a token.`
      )
    }
    // An installation's account is never an organisation's, nor the reverse.
    if (isInstallationScoped(plugin.definition) !== (input.organization === null)) {
      throw new ConnectionActionRefusedException(
        input.organization
          ? `${plugin.definition.name} is connected by the administrator of this Sextant installation.`
          : `${plugin.definition.name} is connected by each organisation, not in the admin area.`
      )
    }
    const organizationId = input.organization?.id ?? null
    const submitted =
      input.fields && typeof input.fields === 'object'
        ? (input.fields as Record<string, unknown>)
        : {}
    const declared = method.fields

    const fieldErrors: FieldErrors = {}
    let validated: Record<string, unknown> = {}
    if (method.validator) {
      try {
        validated = await method.validator.validate(submitted)
      } catch (error) {
        if (!isValidationError(error)) throw error
        collectMessages(error, fieldErrors)
      }
    } else {
      const checked = checkRequiredFields(method, submitted)
      validated = checked.output
      Object.assign(fieldErrors, checked.fieldErrors)
    }

    let baseUrl: string | null = null
    if (settings.baseUrl) {
      try {
        const checked = await connectionBaseUrlValidator.validate({
          baseUrl: asText(input.baseUrl) || undefined,
        })
        baseUrl = checked.baseUrl?.replace(/\/+$/, '') || null
      } catch (error) {
        if (!isValidationError(error)) throw error
        fieldErrors.baseUrl = ['Enter a full http:// or https:// address, or leave it empty']
      }
      const refusal = fieldErrors.baseUrl ? null : await baseUrlRefusal(baseUrl)
      if (refusal) fieldErrors.baseUrl = [refusal]
    }

    const effectiveBaseUrl = baseUrl ?? settings.baseUrl?.default ?? ''
    const typedAccount = accountKeyOf(
      method,
      typedConfigOf(declared, validated, submitted),
      effectiveBaseUrl
    )
    if (typedAccount !== null) {
      Object.assign(
        fieldErrors,
        await secretsToRetype({
          organizationId,
          plugin,
          method,
          accountKey: typedAccount,
          baseUrl: effectiveBaseUrl,
          submitted,
        })
      )
    }

    if (Object.keys(fieldErrors).length > 0) {
      const values: Record<string, string> = { baseUrl: asText(input.baseUrl) }
      for (const field of declared) {
        if (!field.secret) values[field.name] = asText(submitted[field.name])
      }
      throw new ConnectInputException(plugin.id, fieldErrors, values, method.id)
    }

    const config: Record<string, unknown> = {}
    const credentials: Record<string, string> = {}
    for (const field of declared) {
      const value = validated[field.name]
      if (value === undefined || value === null || value === '') continue
      if (field.secret) credentials[field.name] = String(value)
      else config[field.name] = value
    }

    const accountKey = accountKeyOf(method, config, effectiveBaseUrl, { strict: true })!

    const connection = await upsertConnection({
      organizationId,
      pluginId: plugin.id,
      accountKey,
      createdById: input.actor.id,
      config,
      credentials,
      baseUrl,
      status: 'pending',
      authMethod: storedMethodId(method),
    })
    return finishConnecting(connection, plugin)
  }
}
