import Organization from '#models/organization'
import type { LoadedPlugin } from '#services/plugins/registry'

/**
 * Arguments the old system's command lines pass, read the way its
 * crontabs write them.
 */

/**
 * `--orgid 7` (the organisation's number, shown in the admin area), its
 * public id or its slug. Null when none matches.
 */
export async function findOrganizationArgument(value: string) {
  const trimmed = value.trim()
  if (/^\d{1,15}$/.test(trimmed)) return Organization.find(Number(trimmed))
  return (await Organization.findByPublicId(trimmed)) ?? Organization.findBy('slug', trimmed)
}

/** "GitHub", "github", "AzureDevOps", "azure-devops" and "azure_devops" name the same plugin */
function spelling(name: string) {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

export function findPluginArgument(plugins: LoadedPlugin[], value: string) {
  const wanted = spelling(value)
  return plugins.find((plugin) => plugin.id === value || spelling(plugin.id) === wanted) ?? null
}

/**
 * The public id named by a command's `--org` / old `--orgid` value:
 * undefined when none was given, null when it names no organisation.
 */
export async function organizationPublicIdArgument(value: string | undefined) {
  if (value === undefined) return undefined
  const organization = await findOrganizationArgument(value)
  return organization ? organization.publicId : null
}
