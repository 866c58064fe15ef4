import { BaseModel, compose, withPublicId } from '#plugin-sdk'

/**
 * The organisation's key for the plugin's own tables (their
 * organization_id column, so deleting an organisation's data covers
 * them), read from the public id the connection handle carries.
 */
class OrganizationKey extends compose(BaseModel, withPublicId('organization')) {
  static table = 'organizations'
}

export function organizationKey(organizationPublicId: string | null): number {
  if (organizationPublicId === null) throw new Error('The connection belongs to no organisation')
  const key = OrganizationKey.keyFromPublicId(organizationPublicId)
  if (key === null) throw new Error('The connection names no organisation')
  return key
}
