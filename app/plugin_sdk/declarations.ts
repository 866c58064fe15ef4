import type { PluginSettings } from '#plugin-sdk/settings'
import type { DomainStore } from '#plugin-sdk/domain'

/**
 * What a plugin owns, declared in its manifest so the core never names a
 * plugin: its environment variables, the columns it seals, its
 * permissions and its organisation-scoped tables.
 */
export type PluginDeclarations = {
  /** its environment variables (defineSettings); missing ones make it "needs configuration" */
  settings?: PluginSettings<any>
  /**
   * Columns of the plugin's own tables that hold secretBox-sealed values,
   * sealed with the purpose `{ table, column, rowId: row.id }`:
   * `secrets:rotate` re-seals them with the newest key.
   */
  sealedColumns?: SealedColumn[]
  /**
   * The plugin's own permissions, named "<plugin id>.<action>". Each is
   * held by `grantedFrom` and every higher role, is listed on the
   * members page, and guards routes (`{ permission }`) and `ctx.plugin.can`.
   */
  permissions?: Record<string, PluginPermission>
  /**
   * The plugin's tables holding an organisation's data, each with the
   * column naming the organisation (default organization_id): deleting an
   * organisation's data deletes their rows too.
   */
  organizationTables?: OrganizationTable[]
  /**
   * Compliance evidence a connection of this plugin proves, from its
   * config (the Sextant status check is on): the compliance page counts
   * these facts for its controls without knowing the provider.
   */
  evidence?: (connection: EvidenceConnection) => EvidenceFact[] | Promise<EvidenceFact[]>
  /**
   * Writes this provider's share of the demo organisation's history
   * (`node ace populate:dev-data`, `npm start` on an empty database)
   * through the domain store, as this provider. Upsert by stable ids:
   * it runs again on every start.
   */
  demo?: (context: DemoContext) => Promise<void>
}

export type DemoContext = {
  /** the demo organisation's domain model, written as this plugin's provider, no connection */
  store: DomainStore
  /** epoch milliseconds to date the history from */
  now: number
}

/** what the compliance page passes to `evidence`: one active connection */
export type EvidenceConnection = {
  publicId: string
  /** the organisation's key, for the plugin's own tables (never shown) */
  organizationId: number
  displayName: string
  config: Record<string, unknown>
}

/**
 * One fact for a control kind. `status_checks`: the connection posts a
 * required status on pull requests (met) or does not.
 * `vulnerability_sla`: every open finding the connection reports is
 * within the organisation's remediation SLA (met) or some are past it;
 * when published, these facts are the vulnerability-SLA controls'
 * evidence instead of the core's default deadlines.
 */
export type EvidenceFact = {
  kind: 'status_checks' | 'vulnerability_sla'
  met: boolean
  /** "acme-rockets: status check on" */
  label: string
  /** where the admin changes it: a path of the plugin's own pages */
  href: string
}

export type SealedColumn = { table: string; column: string }

export type RoleName = 'owner' | 'admin' | 'member' | 'viewer'

export type PluginPermission = {
  /** what it allows, in the words the members page shows */
  description: string
  /** the lowest role holding it */
  grantedFrom: RoleName
}

export type OrganizationTable = { table: string; organizationColumn?: string }
