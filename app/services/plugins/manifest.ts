import { existsSync } from 'node:fs'
import { join } from 'node:path'
import cron from 'node-cron'
import type {
  ConnectionField,
  PluginAuth,
  PluginConnection,
  PluginDefinition,
} from '#plugin-sdk/types'
import { validateDeclarations } from '#services/plugins/declarations'
import { validateHooks } from '#services/plugins/manifest_hooks'

/**
 * Checks what a plugin's default export promises, so a broken plugin is
 * reported with the field to fix instead of failing later in a sync, a
 * webhook or a page.
 */
export class ManifestError extends Error {
  constructor(
    readonly pluginFolder: string,
    readonly field: string,
    problem: string
  ) {
    super(`Plugin "${pluginFolder}": ${field} ${problem}`)
    this.name = 'ManifestError'
  }
}

const CATEGORIES = ['code', 'issues', 'security', 'ci', 'marketing', 'assistant', 'other']
const AUTH_KINDS = ['token', 'api_key', 'basic', 'oauth2', 'app_installation', 'none']
const METHOD_ID = /^[a-z][a-z0-9-]{0,63}$/
const FIELD_TYPES = ['text', 'password', 'url', 'email', 'number']
const PLUGIN_ID = /^[a-z][a-z0-9_-]{1,39}$/
const TASK_NAME = /^[a-z][a-z0-9_-]{0,63}$/
const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/
const VERSION = /^\d+\.\d+\.\d+([-+][\w.-]+)?$/
const RESERVED_FIELDS = new Set(['baseUrl', '_csrf'])

type Check = (condition: unknown, field: string, problem: string) => void

export function validateManifest(folder: string, dir: string, value: unknown): PluginDefinition {
  const check: Check = (condition, field, problem) => {
    if (!condition) throw new ManifestError(folder, field, problem)
  }
  check(value && typeof value === 'object', 'default export', 'must be definePlugin({...})')
  const plugin = value as PluginDefinition

  check(
    typeof plugin.id === 'string' && PLUGIN_ID.test(plugin.id),
    'id',
    'must be lower-case letters, digits, dashes and underscores (2-40 characters)'
  )
  check(plugin.id === folder, 'id', `must equal its folder name "${folder}" (found "${plugin.id}")`)
  for (const field of ['name', 'description'] as const) {
    check(
      typeof plugin[field] === 'string' && plugin[field].trim() !== '',
      field,
      'must be a non-empty string'
    )
  }
  check(CATEGORIES.includes(plugin.category), 'category', `must be one of ${CATEGORIES.join(', ')}`)
  check(
    typeof plugin.version === 'string' && VERSION.test(plugin.version),
    'version',
    'must be a semantic version such as 1.0.0'
  )

  if (plugin.connection !== undefined) validateConnection(plugin, check)
  if (plugin.sync !== undefined) validateSync(plugin, check)
  if (plugin.webhooks !== undefined) {
    check(typeof plugin.webhooks.verify === 'function', 'webhooks.verify', 'must be a function')
    check(
      plugin.webhooks.handlers && typeof plugin.webhooks.handlers === 'object',
      'webhooks.handlers',
      'must be an object of handlers'
    )
    for (const [event, handler] of Object.entries(plugin.webhooks.handlers)) {
      check(typeof handler === 'function', `webhooks.handlers["${event}"]`, 'must be a function')
    }
    for (const path of plugin.webhooks.legacyPaths ?? []) {
      check(
        typeof path === 'string' && path.startsWith('/api/'),
        'webhooks.legacyPaths',
        `"${path}" must start with /api/`
      )
    }
  }
  if (plugin.chatCompletion !== undefined) {
    for (const method of ['modelFor', 'complete'] as const) {
      check(
        typeof plugin.chatCompletion?.[method] === 'function',
        `chatCompletion.${method}`,
        'must be a function'
      )
    }
  }
  validateHooks(plugin, check)
  check(
    plugin.routes === undefined || typeof plugin.routes === 'function',
    'routes',
    'must be a function receiving the plugin router'
  )
  if (plugin.views !== undefined) {
    check(
      typeof plugin.views === 'string' && existsSync(join(dir, plugin.views)),
      'views',
      `must name a folder inside the plugin ("${plugin.views}" not found)`
    )
  }
  if (plugin.settingsPartial !== undefined) {
    check(
      typeof plugin.settingsPartial === 'string' &&
        plugin.settingsPartial.startsWith(`${plugin.id}::`),
      'settingsPartial',
      `must be a template of the plugin's own views ("${plugin.id}::...")`
    )
    check(plugin.views !== undefined, 'settingsPartial', 'needs views to be set')
  }
  for (const item of plugin.navigation ?? []) {
    check(
      item && typeof item.label === 'string' && item.label.trim() !== '',
      'navigation',
      'each item needs a label'
    )
    check(
      typeof item.path === 'string' && item.path.startsWith('/') && !item.path.startsWith('//'),
      'navigation',
      `"${item.path}" must be an absolute path such as /assistant`
    )
    check(
      item.area === undefined || item.area === 'main' || item.area === 'admin',
      'navigation',
      `area must be 'main' or 'admin'`
    )
  }
  if (plugin.commands !== undefined) {
    check(
      Array.isArray(plugin.commands) &&
        plugin.commands.every((entry) => typeof entry === 'function'),
      'commands',
      'must be a list of () => import(...) functions'
    )
  }
  validateDeclarations(plugin, check)
  return plugin
}

function validateConnection(plugin: PluginDefinition, check: Check) {
  const connection = plugin.connection!
  check(
    (connection.auth === undefined) !== (connection.methods === undefined),
    'connection.auth',
    'or connection.methods must be declared (one of them, not both)'
  )
  if (connection.methods !== undefined) {
    check(
      Array.isArray(connection.methods) && connection.methods.length > 0,
      'connection.methods',
      'must be a non-empty list of authentication methods'
    )
    const ids = new Set<string>()
    for (const [index, method] of connection.methods.entries()) {
      const where = `connection.methods[${index}]`
      check(
        method && typeof method.id === 'string' && METHOD_ID.test(method.id),
        `${where}.id`,
        'must be lower case letters, digits and dashes'
      )
      check(!ids.has(method.id), `${where}.id`, `"${method.id}" is declared twice`)
      ids.add(method.id)
      check(
        typeof method.label === 'string' && method.label !== '',
        `${where}.label`,
        'must be a non-empty string'
      )
      check((method.auth?.kind as string) !== 'none', `${where}.auth.kind`, 'cannot be none')
      validateAuth(method.auth, `${where}.auth`, check)
      validateFields(
        method.fields ?? connection.fields,
        method.validator ?? connection.validator,
        where,
        check
      )
      check(
        method.test === undefined || typeof method.test === 'function',
        `${where}.test`,
        'must be a function'
      )
    }
  } else {
    validateAuth(connection.auth, 'connection.auth', check)
    validateFields(connection.fields, connection.validator, 'connection', check)
  }
  if (connection.baseUrl !== undefined) {
    check(
      typeof connection.baseUrl.default === 'string' &&
        /^https?:\/\//.test(connection.baseUrl.default),
      'connection.baseUrl.default',
      'must be an http(s) URL'
    )
  }
  check(
    connection.test === undefined || typeof connection.test === 'function',
    'connection.test',
    'must be a function'
  )
  check(
    connection.redirectOrigins === undefined || typeof connection.redirectOrigins === 'function',
    'connection.redirectOrigins',
    'must be a function returning a list of origins'
  )
  check(
    connection.scope === undefined || ['organization', 'installation'].includes(connection.scope),
    'connection.scope',
    'must be "organization" or "installation"'
  )
  if (connection.scope === 'installation') {
    // The admin area connects with a form: the methods that fill one in.
    const kinds = (connection.methods ?? [{ auth: connection.auth }]).map(
      (method) => method?.auth?.kind
    )
    check(
      kinds.every((kind) => kind === 'token' || kind === 'api_key' || kind === 'basic'),
      'connection.scope',
      'an installation-scoped plugin connects with a form (token, api_key or basic auth)'
    )
  }
}

function validateAuth(auth: PluginAuth | undefined, where: string, check: Check) {
  check(
    auth && AUTH_KINDS.includes(auth.kind),
    `${where}.kind`,
    `must be one of ${AUTH_KINDS.join(', ')}`
  )
  if (auth!.kind === 'oauth2') {
    for (const key of ['authorizeUrl', 'tokenUrl', 'clientId', 'clientSecret'] as const) {
      const option = auth![key]
      check(
        typeof option === 'string' || typeof option === 'function',
        `${where}.${key}`,
        'must be a string or a function returning one'
      )
    }
    check(
      auth!.resolveAccounts === undefined || typeof auth!.resolveAccounts === 'function',
      `${where}.resolveAccounts`,
      'must be an async function listing the accounts a token reaches'
    )
    check(
      auth!.driver === undefined || typeof auth!.driver === 'function',
      `${where}.driver`,
      'must be a function returning an ally OAuth 2.0 driver (see OAuthDriver)'
    )
    check(
      auth!.revokeUrl === undefined ||
        typeof auth!.revokeUrl === 'string' ||
        typeof auth!.revokeUrl === 'function',
      `${where}.revokeUrl`,
      'must be a string or a function returning one'
    )
    check(
      auth!.callbackPath === undefined ||
        (typeof auth!.callbackPath === 'string' && /^\/[\w./-]*$/.test(auth!.callbackPath)),
      `${where}.callbackPath`,
      'must be a path starting with "/"'
    )
  }
  if (auth!.kind === 'app_installation') {
    check(
      typeof auth!.mintToken === 'function',
      `${where}.mintToken`,
      'must be a function minting an access token for the installation'
    )
  }
  if (auth!.kind === 'basic') {
    for (const key of ['usernameField', 'passwordField'] as const) {
      check(
        typeof auth![key] === 'string' && FIELD_NAME.test(auth![key]),
        `${where}.${key}`,
        "must name one of the method's fields"
      )
    }
  }
}

function validateFields(
  fields: ConnectionField[] | undefined,
  validator: PluginConnection['validator'],
  where: string,
  check: Check
) {
  const names = new Set<string>()
  for (const [index, field] of (fields ?? []).entries()) {
    const at = `${where}.fields[${index}]`
    check(
      field && typeof field.name === 'string' && FIELD_NAME.test(field.name),
      `${at}.name`,
      'must be a simple identifier'
    )
    check(!RESERVED_FIELDS.has(field.name), `${at}.name`, `"${field.name}" is reserved`)
    check(!names.has(field.name), `${at}.name`, `"${field.name}" is declared twice`)
    names.add(field.name)
    check(
      typeof field.label === 'string' && field.label !== '',
      `${at}.label`,
      'must be a non-empty string'
    )
    check(
      field.type === undefined || FIELD_TYPES.includes(field.type),
      `${at}.type`,
      `must be one of ${FIELD_TYPES.join(', ')}`
    )
  }
  if (fields?.length) {
    check(
      validator && typeof validator.validate === 'function',
      `${where}.validator`,
      'is required when the connection has fields (a vine.create(...) validator)'
    )
  }
}

function validateSync(plugin: PluginDefinition, check: Check) {
  check(Array.isArray(plugin.sync), 'sync', 'must be a list of tasks')
  check(plugin.connection !== undefined, 'sync', 'needs a connection to sync from')
  const names = new Set<string>()
  for (const [index, task] of plugin.sync!.entries()) {
    const where = `sync[${index}]`
    check(
      task && typeof task.name === 'string' && TASK_NAME.test(task.name),
      `${where}.name`,
      'must be lower-case letters, digits, "_" or "-"'
    )
    check(!names.has(task.name), `${where}.name`, `"${task.name}" is declared twice`)
    names.add(task.name)
    check(typeof task.run === 'function', `${where}.run`, 'must be a function')
    check(
      task.kind === undefined || ['data', 'snapshot'].includes(task.kind),
      `${where}.kind`,
      'must be "data" or "snapshot"'
    )
    check(
      task.schedule === undefined || cron.validate(task.schedule),
      `${where}.schedule`,
      `"${task.schedule}" is not a valid cron expression`
    )
  }
}
