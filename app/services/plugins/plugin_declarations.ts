import { pluginRegistry, type RegisteredPlugin } from '#services/plugins/registry'
import type { SettingProblem } from '#plugin-sdk/settings'
import type { OrganizationTable, PluginPermission, SealedColumn } from '#plugin-sdk/declarations'

/**
 * The core's reading of what loaded plugins declare they own
 * (PluginDeclarations), so no core file names a plugin's table,
 * variable or permission.
 */

/** a loaded plugin's missing or invalid environment variables, read now */
export function configurationProblems(plugin: RegisteredPlugin): SettingProblem[] {
  if (plugin.state !== 'loaded') return []
  return plugin.definition?.settings?.problems() ?? []
}

export type DeclaredSealedColumn = SealedColumn & { pluginId: string }

export function declaredSealedColumns(): DeclaredSealedColumn[] {
  return pluginRegistry
    .loaded()
    .flatMap((plugin) =>
      (plugin.definition.sealedColumns ?? []).map((sealed) => ({ ...sealed, pluginId: plugin.id }))
    )
}

export type DeclaredPermission = PluginPermission & { name: string; pluginId: string }

export function declaredPermissions(): DeclaredPermission[] {
  return pluginRegistry.loaded().flatMap((plugin) =>
    Object.entries(plugin.definition.permissions ?? {}).map(([name, permission]) => ({
      ...permission,
      name,
      pluginId: plugin.id,
    }))
  )
}

export function declaredPermission(name: string): DeclaredPermission | null {
  return declaredPermissions().find((permission) => permission.name === name) ?? null
}

export type DeclaredOrganizationTable = Required<OrganizationTable> & { pluginId: string }

export function declaredOrganizationTables(): DeclaredOrganizationTable[] {
  return pluginRegistry.loaded().flatMap((plugin) =>
    (plugin.definition.organizationTables ?? []).map((owned) => ({
      table: owned.table,
      organizationColumn: owned.organizationColumn ?? 'organization_id',
      pluginId: plugin.id,
    }))
  )
}
