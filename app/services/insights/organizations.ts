import Organization from '#models/organization'

/**
 * The organisations an ace command works on: all of them, or the one
 * named by public id or slug (an unknown name is an error).
 */
export async function resolveOrganizations(name?: string): Promise<number[]> {
  if (name === undefined) {
    const organizations = await Organization.query().select('id').orderBy('id')
    return organizations.map((organization) => organization.id)
  }
  const organization =
    (await Organization.findByPublicId(name)) ?? (await Organization.findBy('slug', name))
  if (!organization) throw new Error(`no organisation "${name}"`)
  return [organization.id]
}
