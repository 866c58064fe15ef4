/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
*/
import edge from 'edge.js'
import { DateTime } from 'luxon'
import sextantConfig from '#config/sextant'
import { assetUrl } from '#services/assets'
import { roleAllows, ROLES } from '#services/authorization'
import { pluginRegistry } from '#services/plugins/registry'

edge.global('asset', assetUrl)
edge.global('productName', 'Sextant')
edge.global('roleAllows', roleAllows)
edge.global('roles', ROLES)
edge.global('adminPath', () => sextantConfig.auth.adminPath)
/**
 * The main-navigation links of loaded plugins that the member's role may see.
 */
edge.global('pluginNavigation', (membership: { role: string } | null | undefined) => {
  if (!membership) return []
  return pluginRegistry
    .loaded()
    .flatMap((plugin) => plugin.definition.navigation ?? [])
    .filter((item) => roleAllows(membership.role, (item.permission ?? 'organization.view') as any))
    .map((item) => ({ label: item.label, href: item.path }))
})
type Moment = DateTime | Date | number | null | undefined

function toDateTime(value: Moment): DateTime | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return DateTime.fromMillis(value)
  if (value instanceof Date) return DateTime.fromJSDate(value)
  return value
}

edge.global('timeAgo', (value: Moment) => {
  const moment = toDateTime(value)
  return moment ? (moment.toRelative() ?? moment.toISO()) : 'never'
})
edge.global('formatDate', (value: Moment) => {
  const moment = toDateTime(value)
  return moment ? moment.toUTC().toFormat("d LLL yyyy, HH:mm 'UTC'") : '—'
})

/**
 * Edge 6 hands every @include to its compiler with an empty list of
 * local variables, which the compiler takes as "has local variables" and
 * so never caches: each include was parsed again on every request, even
 * in production. An empty list means the same as none, so it is passed as
 * none and the partial is compiled once. Includes inside a loop still
 * carry their loop variables and are compiled as before.
 */
for (const compiler of [edge.compiler, edge.asyncCompiler]) {
  const compile = compiler.compile.bind(compiler)
  compiler.compile = (templatePath: string, localVariables?: string[]) =>
    compile(templatePath, localVariables?.length ? localVariables : undefined)
}
