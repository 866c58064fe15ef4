import type { PluginRouteContext } from '#plugin-sdk'

/** The permissions that allow changing the knowledge base and its settings. */
export const MANAGE_PERMISSIONS = ['integrations.manage', 'organization.manage'] as const

export function mayManageKnowledge(ctx: PluginRouteContext): boolean {
  return MANAGE_PERMISSIONS.some((permission) => ctx.plugin.can(permission))
}
