import type { LoadedPlugin } from '#services/plugins/registry'
import type { AuthMethod } from '#plugin-sdk/auth_methods'
import type {
  ConnectionField,
  PluginAuth,
  PluginConnection,
  PluginDefinition,
} from '#plugin-sdk/types'

/**
 * One way to connect a plugin, with the connection-wide settings filled
 * in where the method does not override them. A plugin that declares a
 * single `auth` has one method, "default".
 */
export type ConnectMethod = {
  id: string
  label: string
  help: string | null
  auth: PluginAuth
  fields: ConnectionField[]
  validator?: AuthMethod['validator']
  test?: AuthMethod['test']
  accountKey?: AuthMethod['accountKey']
  requestHeaders?: AuthMethod['requestHeaders']
}

export const DEFAULT_METHOD_ID = 'default'

/** auth kinds connected by filling in a form (as opposed to a redirect) */
export const FORM_AUTH_KINDS = ['token', 'api_key', 'basic'] as const

export function isFormAuth(auth: PluginAuth) {
  return (FORM_AUTH_KINDS as readonly string[]).includes(auth.kind)
}

export function connectMethods(connection: PluginConnection | undefined): ConnectMethod[] {
  if (!connection) return []
  if (connection.methods?.length) {
    return connection.methods.map((method) => ({
      id: method.id,
      label: method.label,
      help: method.help ?? null,
      auth: method.auth,
      fields: method.fields ?? connection.fields ?? [],
      validator: method.validator ?? connection.validator,
      test: method.test ?? connection.test,
      accountKey: method.accountKey ?? connection.accountKey,
      requestHeaders: method.requestHeaders ?? connection.requestHeaders,
    }))
  }
  if (!connection.auth) return []
  return [
    {
      id: DEFAULT_METHOD_ID,
      label: 'Connect',
      help: null,
      auth: connection.auth,
      fields: connection.fields ?? [],
      validator: connection.validator,
      test: connection.test,
      accountKey: connection.accountKey,
      requestHeaders: connection.requestHeaders,
    },
  ]
}

export function pluginMethods(definition: PluginDefinition) {
  return connectMethods(definition.connection)
}

/**
 * The method a form or a flow names; no name means the plugin's first
 * method (forms made before plugins had several). Null when the plugin
 * has no such method.
 */
export function findMethod(plugin: LoadedPlugin, methodId?: string | null): ConnectMethod | null {
  const methods = pluginMethods(plugin.definition)
  if (!methodId) return methods[0] ?? null
  return methods.find((method) => method.id === methodId) ?? null
}

/**
 * The method a stored connection was made with. A method the plugin no
 * longer declares falls back to its first one, so an upgraded plugin
 * keeps its old connections working as they were.
 */
export function methodOfConnection(
  plugin: LoadedPlugin,
  connection: { authMethod: string | null }
): ConnectMethod | null {
  return findMethod(plugin, connection.authMethod) ?? findMethod(plugin)
}

/** the method's stored id: null for a single-method plugin's "default" */
export function storedMethodId(method: ConnectMethod) {
  return method.id === DEFAULT_METHOD_ID ? null : method.id
}
