import Organization from '#models/organization'

let sequence = 0

/**
 * An organisation with a unique name and slug.
 */
export async function createOrganization(
  overrides: Partial<{ name: string; slug: string; isDemo: boolean }> = {}
) {
  sequence += 1
  return Organization.create({
    name: overrides.name ?? `Organisation ${sequence}`,
    slug: overrides.slug ?? `organisation-${sequence}-${Date.now().toString(36)}`,
    isDemo: overrides.isDemo ?? false,
  })
}
