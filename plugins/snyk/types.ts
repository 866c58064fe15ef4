/**
 * The parts of Snyk's REST API (JSON:API documents, versioned with
 * `?version=`) and of its v1 webhook and ignore endpoints the plugin
 * reads. Names follow Snyk's own spelling.
 */
export namespace Snyk {
  export type Links = { self?: string; next?: string; prev?: string; first?: string; last?: string }

  export type Document<T> = { data: T; links?: Links; jsonapi?: { version: string } }

  export type Resource<Type extends string, Attributes, Relationships = unknown> = {
    id: string
    type: Type
    attributes: Attributes
    relationships?: Relationships
  }

  /** GET /rest/self: a user or a service account */
  export type Self = Resource<
    'user' | 'service_account',
    { name?: string; username?: string; email?: string; default_org_context?: string }
  >

  export type Org = Resource<
    'org',
    { name: string; slug: string; is_personal?: boolean; group_id?: string | null }
  >

  export type TargetData = {
    id: string
    type: 'target'
    attributes?: { display_name?: string; url?: string | null }
  }

  export type Project = Resource<
    'project',
    {
      name: string
      type: string
      target_file?: string
      target_reference?: string | null
      origin: string
      created?: string
      status?: 'active' | 'inactive'
    },
    { target?: { data: TargetData }; organization?: { data: { id: string } } }
  >

  export type Problem = { id: string; source: string; type?: string; url?: string }

  export type Coordinate = {
    is_fixable_snyk?: boolean
    is_fixable_upstream?: boolean
    is_fixable_manually?: boolean
    is_upgradeable?: boolean
    is_patchable?: boolean
    is_pinnable?: boolean
    representations?: Array<{
      dependency?: { package_name: string; package_version?: string }
      sourceLocation?: { file: string }
    }>
  }

  export type IssueType =
    'package_vulnerability' | 'license' | 'code' | 'config' | 'cloud' | 'custom'

  export type Issue = Resource<
    'issue',
    {
      key: string
      title: string
      type: IssueType
      status: 'open' | 'resolved'
      ignored: boolean
      effective_severity_level: 'info' | 'low' | 'medium' | 'high' | 'critical'
      created_at: string
      updated_at: string
      resolution?: { type?: string; resolved_at?: string; details?: string }
      problems?: Problem[]
      coordinates?: Coordinate[]
      severities?: Array<{
        source?: string
        level?: string
        score?: number | null
        vector?: string
      }>
      exploit_details?: { maturity_levels?: Array<{ format?: string; level: string }> }
    },
    {
      scan_item?: { data: { id: string; type: 'project' | 'environment' } }
      organization?: { data: { id: string } }
    }
  >

  /** v1 GET /org/{orgId}/project/{projectId}/ignores: issue key → ignore rules */
  export type Ignores = Record<
    string,
    Array<
      Record<
        string,
        { reason?: string; reasonType?: string; expires?: string | null; created?: string }
      >
    >
  >

  export type Webhook = { id: string; url: string }
}
