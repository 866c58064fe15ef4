/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
*/
import edge from 'edge.js'
import { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import { DateTime } from 'luxon'
import sextantConfig from '#config/sextant'
import { assetUrl } from '#services/assets'
import { roleAllows, ROLES } from '#services/authorization'
import { pluginRegistry } from '#services/plugins/registry'
import { describeUserAgent } from '#services/user_sessions'
import { plural } from '#services/plural'
import { MARKETING_CONSENT_TEXT } from '#services/marketing/consent'

/**
 * A request's renderer, made on first use of ctx.view as the Edge provider
 * makes it, with the request's authenticator shared when it exists: our
 * initialize_auth middleware no longer reads ctx.view, so a request that
 * renders nothing (a webhook, the token API) builds no renderer.
 */
HttpContext.getter(
  'view',
  function (this: HttpContext) {
    const renderer = edge.createRenderer().share({ request: this.request })
    return this.auth ? renderer.share({ auth: this.auth }) : renderer
  },
  true
)

edge.global('asset', assetUrl)
edge.global('productName', 'Sextant')
edge.global('roleAllows', roleAllows)
edge.global('roles', ROLES)
edge.global('describeUserAgent', describeUserAgent)
edge.global('adminPath', () => sextantConfig.auth.adminPath)
// the words beside the product-emails box, stored with each opt-in
edge.global('marketingConsentText', MARKETING_CONSENT_TEXT)
/**
 * The main-navigation links of loaded plugins that the member's role may see.
 */
edge.global('pluginNavigation', (membership: { role: string } | null | undefined) => {
  if (!membership) return []
  return pluginRegistry
    .loaded()
    .flatMap((plugin) => plugin.definition.navigation ?? [])
    .filter((item) => (item.area ?? 'main') === 'main')
    .filter((item) => roleAllows(membership.role, (item.permission ?? 'organization.view') as any))
    .map((item) => ({ label: item.label, href: item.path }))
})
/** the admin-area tabs of loaded plugins (the admin area is for superusers only) */
edge.global('pluginAdminNavigation', () =>
  pluginRegistry
    .loaded()
    .flatMap((plugin) => plugin.definition.navigation ?? [])
    .filter((item) => item.area === 'admin')
    .map((item) => ({ label: item.label, href: item.path }))
)
/**
 * The names of the installed plugins an organisation can connect (those
 * with a connection), for hints that name only what ships.
 */
edge.global('connectableProviders', () =>
  pluginRegistry
    .loaded()
    .filter((plugin) => plugin.definition.connection)
    .map((plugin) => plugin.definition.name)
)
type Moment = DateTime | Date | number | null | undefined

function toDateTime(value: Moment): DateTime | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return DateTime.fromMillis(value)
  if (value instanceof Date) return DateTime.fromJSDate(value)
  return value
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
]
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/**
 * "3 minutes ago", "in 7 days": the largest unit that fits, rounded to the
 * nearest (a 7-day invitation created a second ago expires "in 7 days",
 * not "in 6 days" as truncation would say).
 */
export function relativeTime(moment: DateTime, now = Date.now()): string {
  const difference = moment.toMillis() - now
  const size = Math.abs(difference)
  if (size < 45_000) return 'just now'
  for (const [unit, length] of RELATIVE_UNITS) {
    if (size >= length * 0.95 || unit === 'minute') {
      return relativeFormat.format(Math.round(difference / length), unit)
    }
  }
  return 'just now'
}

edge.global('timeAgo', (value: Moment) => {
  const moment = toDateTime(value)
  return moment ? relativeTime(moment) : 'never'
})

edge.global('plural', plural)
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

/**
 * Edge 6 decides at construction, before the provider turns the cache on,
 * that its components plugin runs for every renderer: each page listed
 * the components directories of every mounted disk again (a readdir per
 * directory per request, 2% of a page's CPU under bench:insights). With
 * templates cached (production) the list cannot change between requests,
 * so it is read once per set of mounted disks and in-memory templates.
 */
if (app.inProduction) {
  const loader = edge.loader
  const list = loader.listComponents.bind(loader)
  let cached: { key: string; components: ReturnType<typeof list> } | null = null
  loader.listComponents = () => {
    const key = `${Object.keys(loader.mounted).join('\n')}|${Object.keys(loader.templates).length}`
    if (cached?.key !== key) cached = { key, components: list() }
    return cached.components
  }
}
