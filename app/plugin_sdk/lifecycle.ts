import type { Logger } from '@adonisjs/core/logger'
import type { ConnectionHandle } from '#plugin-sdk/types'

/**
 * Lifecycle hooks and core events (docs/plugins.md, "Lifecycle hooks" and
 * "Core events"). Every hook and event handler runs in a queue worker,
 * never in the user's request, and is retried with backoff when it
 * throws; its state is kept in plugin_hook_runs and shown on the
 * connection's page.
 */

/** the connection's addresses for the provider's webhook deliveries */
export interface ConnectionWebhookUrls {
  /**
   * The URL to register with the provider: the plugin's shared URL, or
   * for `authentication: 'url-token'` plugins this connection's own URL
   * carrying its unguessable token (created on first use).
   */
  url(): Promise<string>
  /**
   * Replaces the connection's token: the old URL stops working at once.
   * Returns the new URL (register it with the provider again).
   */
  rotate(): Promise<string>
}

export interface LifecycleContext {
  readonly connection: ConnectionHandle
  readonly webhooks: ConnectionWebhookUrls
  /** 1 on the first run, then counts retries (automatic and manual) */
  readonly attempt: number
  readonly logger: Logger
}

export type PluginLifecycle = {
  /**
   * After a connection is saved and its test passed (or it has none):
   * register remote webhooks or service hooks, discover sites. Store what
   * you need to undo it later with `connection.update({ config })`.
   */
  onConnected?: (context: LifecycleContext) => Promise<void>
  /**
   * When a member disconnects: delete remote webhooks, revoke tokens,
   * uninstall. The connection stops syncing and receiving deliveries at
   * once and is deleted when this hook succeeds; while it fails the page
   * shows the error with Retry and "Remove now" (which skips the hook).
   */
  onDisconnecting?: (context: LifecycleContext) => Promise<void>
}

/** a person as core events describe them: public id, never the row id */
export type CoreEventUser = {
  publicId: string
  email: string
  fullName: string | null
}

/**
 * The core events a plugin may subscribe to, with their payloads. The
 * payload is stored until the handler succeeds, then cleared.
 */
export type CoreEvents = {
  'user.created': { user: CoreEventUser }
  /** `changed` names the fields that changed: email, fullName, marketingConsent */
  'user.updated': {
    user: CoreEventUser
    /** the organisations the person belongs to */
    organizationPublicIds: string[]
    changed: Array<'email' | 'fullName' | 'marketingConsent'>
    previous: Partial<CoreEventUser> & { marketingConsent?: boolean }
    marketingConsent?: boolean
  }
  'user.deleted': { user: CoreEventUser; organizationPublicIds: string[] }
  /** `role` is null when the person left (or was removed from) the organisation */
  'membership.changed': {
    organizationPublicId: string
    user: CoreEventUser
    role: string | null
    previousRole: string | null
  }
  /** the organisation's data was deleted: drop what the plugin keeps for it */
  'organization.data_deleted': { organizationPublicId: string }
}

export type CoreEventName = keyof CoreEvents

export interface CoreEventContext<Name extends CoreEventName = CoreEventName> {
  readonly event: Name
  readonly payload: CoreEvents[Name]
  readonly attempt: number
  readonly logger: Logger
  /**
   * This plugin's active connections in an organisation the event names
   * (by public id): the event reaches each organisation's accounts only.
   */
  connections(organizationPublicId: string): Promise<ConnectionHandle[]>
  /**
   * This plugin's active installation-scoped connections (the operator's
   * own account, `connection.scope: 'installation'`): every event
   * reaches them, whichever organisations it names.
   */
  installationConnections(): Promise<ConnectionHandle[]>
}

export type CoreEventHandlers = {
  [Name in CoreEventName]?: (context: CoreEventContext<Name>) => Promise<void>
}

export const CORE_EVENT_NAMES: readonly CoreEventName[] = [
  'user.created',
  'user.updated',
  'user.deleted',
  'membership.changed',
  'organization.data_deleted',
]
