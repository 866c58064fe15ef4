import type { PluginDefinition } from '#plugin-sdk/types'

type Check = (condition: unknown, field: string, problem: string) => void

const ROLE_NAMES = ['viewer', 'member', 'admin', 'owner']
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/

/** a plugin's tables start with its id ("noa_", "fixture_oauth_"): it cannot claim the core's */
export function tablePrefix(pluginId: string) {
  return `${pluginId.replaceAll('-', '_')}_`
}

/**
 * Checks what a plugin declares it owns (PluginDeclarations): settings
 * built by defineSettings, sealed columns and organisation tables of its
 * own tables, permissions named after the plugin.
 */
export function validateDeclarations(plugin: PluginDefinition, check: Check) {
  if (plugin.settings !== undefined) {
    check(
      plugin.settings &&
        typeof plugin.settings.get === 'function' &&
        typeof plugin.settings.problems === 'function',
      'settings',
      'must be defineSettings({...})'
    )
  }
  const prefix = tablePrefix(plugin.id)
  const ownTable = (table: unknown, field: string) => {
    check(typeof table === 'string' && IDENTIFIER.test(table), field, 'must be a table name')
    check(
      (table as string).startsWith(prefix),
      field,
      `"${table}" is not one of the plugin's tables (they start with ${prefix})`
    )
  }
  if (plugin.sealedColumns !== undefined) {
    check(Array.isArray(plugin.sealedColumns), 'sealedColumns', 'must be a list')
    for (const [index, sealed] of plugin.sealedColumns.entries()) {
      ownTable(sealed?.table, `sealedColumns[${index}].table`)
      check(
        typeof sealed.column === 'string' && IDENTIFIER.test(sealed.column),
        `sealedColumns[${index}].column`,
        'must be a column name'
      )
    }
  }
  if (plugin.organizationTables !== undefined) {
    check(Array.isArray(plugin.organizationTables), 'organizationTables', 'must be a list')
    for (const [index, owned] of plugin.organizationTables.entries()) {
      ownTable(owned?.table, `organizationTables[${index}].table`)
      check(
        owned.organizationColumn === undefined || IDENTIFIER.test(owned.organizationColumn),
        `organizationTables[${index}].organizationColumn`,
        'must be a column name'
      )
    }
  }
  check(
    plugin.demo === undefined || typeof plugin.demo === 'function',
    'demo',
    'must be an async function writing the demo history'
  )
  check(
    plugin.evidence === undefined || typeof plugin.evidence === 'function',
    'evidence',
    'must be a function returning the facts a connection proves'
  )
  if (plugin.permissions !== undefined) {
    check(
      plugin.permissions && typeof plugin.permissions === 'object',
      'permissions',
      'must be an object of permissions by name'
    )
    const name = new RegExp(`^${plugin.id.replaceAll('-', '\\-')}\\.[a-z][a-z0-9_.]{0,62}$`)
    for (const [permission, declared] of Object.entries(plugin.permissions)) {
      const where = `permissions["${permission}"]`
      check(name.test(permission), where, `must be named "${plugin.id}.<action>"`)
      check(
        declared && typeof declared.description === 'string' && declared.description.trim() !== '',
        `${where}.description`,
        'must be a non-empty string'
      )
      check(
        ROLE_NAMES.includes(declared.grantedFrom),
        `${where}.grantedFrom`,
        `must be one of ${ROLE_NAMES.join(', ')}`
      )
    }
  }
}
