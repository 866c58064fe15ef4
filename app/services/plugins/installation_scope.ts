import type { PluginDefinition } from '#plugin-sdk/types'

/**
 * Installation-scoped connections (docs/plugins.md, "Installation-scoped
 * connections"): the operator's own account, connected by a superuser in
 * the admin area. Their rows have no organisation (organization_id is
 * NULL), so every organisation-fenced query leaves them out.
 */
export function isInstallationScoped(definition: PluginDefinition | null | undefined) {
  return definition?.connection?.scope === 'installation'
}

/** the owner of a connection: an organisation's id, or null for the installation */
export type ConnectionOwnerId = number | null

/** fences a connections query to one owner (`where organization_id = ?`, or `is null`) */
export function whereOwner<Query extends { where: Function; whereNull: Function }>(
  query: Query,
  ownerId: ConnectionOwnerId,
  column = 'organization_id'
): Query {
  return ownerId === null ? query.whereNull(column) : query.where(column, ownerId)
}
