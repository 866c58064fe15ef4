import type { PluginRouteContext } from '#plugin-sdk'

/** The permission (declared in plugin.ts) to change the knowledge base and its settings. */
export const MANAGE_KNOWLEDGE = 'noa.knowledge.manage'

export function mayManageKnowledge(ctx: PluginRouteContext): boolean {
  return ctx.plugin.can(MANAGE_KNOWLEDGE)
}
