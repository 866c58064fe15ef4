/*
|--------------------------------------------------------------------------
| HTTP kernel
|--------------------------------------------------------------------------
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'
import { telemetryEnabled } from '#services/telemetry/settings'

server.errorHandler(() => import('#exceptions/handler'))

/**
 * Server middleware run for every request, routed or not. Order matters:
 * headers first (so even a 503 carries them), then hashed assets, then
 * the maintenance gate, then public files.
 */
server.use([
  () => import('#middleware/container_bindings_middleware'),
  () => import('#middleware/security_headers_middleware'),
  () => import('#middleware/compression_middleware'),
  () => import('#middleware/assets_middleware'),
  () => import('#middleware/maintenance_middleware'),
  () => import('#middleware/public_files_middleware'),
])

/**
 * Router middleware run for every request matching a route. Token
 * routes check their token before any body is read; the body parser
 * applies each route's own limit and refuses uploads where none are
 * taken (see app/services/request_bodies.ts).
 */
router.use([
  // names the request's span after its route (GET /orgs/:org/summary);
  // with telemetry off there are no spans, and nothing of OpenTelemetry loads
  ...(telemetryEnabled(process.env) ? [() => import('@adonisjs/otel/otel_middleware')] : []),
  () => import('#middleware/initialize_auth_middleware'),
  () => import('#middleware/token_before_body_middleware'),
  () => import('#middleware/request_body_middleware'),
  () => import('#middleware/text_input_middleware'),
])

/**
 * Named middleware. Pages use "web" (session, CSRF and security headers
 * from Shield, htmx details); probes, webhooks and the token API do not
 * need a session and never get a cookie.
 */
export const middleware = router.named({
  session: () => import('@adonisjs/session/session_middleware'),
  shield: () => import('@adonisjs/shield/shield_middleware'),
  htmx: () => import('#middleware/htmx_middleware'),
  bouncer: () => import('#middleware/initialize_bouncer_middleware'),
  auth: () => import('#middleware/authenticated_middleware'),
  guest: () => import('#middleware/guest_middleware'),
  recentAuth: () => import('#middleware/recent_auth_middleware'),
  superuser: () => import('#middleware/superuser_middleware'),
  apiAuth: () => import('#middleware/api_auth_middleware'),
  tokenScope: () => import('#middleware/token_scope_middleware'),
  acceptsUpload: () => import('#middleware/accepts_upload_middleware'),
  bodyLimit: () => import('#middleware/body_limit_middleware'),
  webhookRateLimit: () => import('#middleware/webhook_rate_limit_middleware'),
})

/**
 * Every page: session, Shield (CSRF, CSP), htmx details and Bouncer.
 */
export const web = () => [
  middleware.session(),
  middleware.shield(),
  middleware.htmx(),
  middleware.bouncer(),
]
