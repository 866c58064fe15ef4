import { declaredPermission, declaredPermissions } from '#services/plugins/plugin_declarations'

/**
 * Roles and what each may do. "node ace init:groups" mirrors these into
 * the roles / permissions tables; policies read them from here.
 */
export const PERMISSIONS = {
  'organization.view': 'See the organisation and its dashboards',
  'organization.manage': 'Change organisation settings (MFA policy, name)',
  'organization.delete_data': "Delete the organisation's collected data",
  'members.view': 'See who belongs to the organisation',
  'members.manage': 'Invite people, change roles and remove members',
  'owners.manage': 'Grant or remove the owner role',
  'integrations.manage': 'Connect, test, sync and disconnect integrations',
  'documents.upload': 'Upload and replace evidence documents',
  'compliance.review': 'Accept or reject compliance evidence (with a reason and an expiry)',
  'products.manage': 'Create, rename, regroup and delete products',
  'audit.view': "Read the organisation's audit log",
  'tokens.create': 'Create personal API tokens',
  'api.write': 'Change data through API tokens',
  'assistant.use': 'Use the assistant from the web chat and the Noa app',
} as const

export type Permission = keyof typeof PERMISSIONS

export type RoleName = 'owner' | 'admin' | 'member' | 'viewer'

type RoleDefinition = {
  label: string
  description: string
  rank: number
  permissions: Permission[]
}

const viewer: Permission[] = ['organization.view', 'members.view', 'assistant.use']
const member: Permission[] = [...viewer, 'documents.upload', 'tokens.create', 'api.write']
const admin: Permission[] = [
  ...member,
  'organization.manage',
  'products.manage',
  'members.manage',
  'integrations.manage',
  'audit.view',
  'compliance.review',
]
const owner: Permission[] = [...admin, 'owners.manage', 'organization.delete_data']

export const ROLES: Record<RoleName, RoleDefinition> = {
  owner: {
    label: 'Owner',
    description: 'Everything, including other owners and deleting the organisation data',
    rank: 40,
    permissions: owner,
  },
  admin: {
    label: 'Admin',
    description: 'Manages members, integrations and settings',
    rank: 30,
    permissions: admin,
  },
  member: {
    label: 'Member',
    description: 'Uses the dashboards and uploads documents',
    rank: 20,
    permissions: member,
  },
  viewer: {
    label: 'Viewer',
    description: 'Reads the dashboards',
    rank: 10,
    permissions: viewer,
  },
}

export const ROLE_NAMES = Object.keys(ROLES) as RoleName[]

/** Own keys only: "constructor" or "toString" are in every object, and are no role. */
export function isRoleName(value: unknown): value is RoleName {
  return typeof value === 'string' && Object.hasOwn(ROLES, value)
}

/** a permission a plugin declares, named "<plugin id>.<action>" */
export type PluginPermissionName = `${string}.${string}`

function isCorePermission(permission: string): permission is Permission {
  return Object.hasOwn(PERMISSIONS, permission)
}

/**
 * Whether a role holds a permission: the core's by the table above, a
 * loaded plugin's from the role it declares and every higher one. An
 * unknown permission (a plugin that failed to load) is held by no one.
 */
export function roleAllows(role: string, permission: Permission | PluginPermissionName): boolean {
  if (!isRoleName(role)) return false
  if (isCorePermission(permission)) return ROLES[role].permissions.includes(permission)
  const declared = declaredPermission(permission)
  return Boolean(declared && ROLES[role].rank >= ROLES[declared.grantedFrom].rank)
}

export type PermissionRow = {
  name: string
  description: string
  /** the plugin declaring it; null for the core's */
  pluginId: string | null
  roles: RoleName[]
}

/** every permission, the core's then the plugins', with the roles holding each (the members page) */
export function permissionTable(): PermissionRow[] {
  const core = (Object.entries(PERMISSIONS) as [Permission, string][]).map(
    ([name, description]) => ({ name, description, pluginId: null })
  )
  const plugins = declaredPermissions().map(({ name, description, pluginId }) => ({
    name,
    description,
    pluginId,
  }))
  return [...core, ...plugins].map((row) => ({
    ...row,
    roles: ROLE_NAMES.filter((role) => roleAllows(role, row.name as Permission)),
  }))
}
