import env from '#start/env'
import string from '@adonisjs/core/helpers/string'
import { defineConfig } from '@adonisjs/core/bodyparser'
import documentsConfig from '#config/documents'

/**
 * Body limits by kind of route (see app/services/request_bodies.ts). A
 * body above its route's limit is refused with 413 as soon as its
 * Content-Length (or, when it is streamed, its count) passes the limit,
 * before anything is parsed.
 */
export const bodyLimits = {
  /** sign-in, sign-up, invitations, password resets: small forms and JSON */
  public: 32 * 1024,
  /** forms and JSON of signed-in pages and the token API */
  signedIn: 2 * 1024 * 1024,
  /** webhook deliveries (GitHub's reach 25 MB) */
  webhook: () => string.bytes.parse(env.get('WEBHOOK_MAX_BODY', '25mb')) ?? 26_214_400,
  /**
   * Uploads, unless the route names its own: several files may be sent
   * at once as long as they fit, and one file at the maximum size always
   * fits.
   */
  upload: () => documentsConfig.requestLimitBytes,
}

/**
 * The body parser's settings. The limits here are replaced per route by
 * request_body_middleware; multipart bodies are never read by the body
 * parser: a route that accepts uploads reads its own once its checks have
 * passed (the `acceptsUpload` middleware), every other route refuses them
 * with 415.
 */
const bodyParserConfig = defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    limit: bodyLimits.public,
    types: ['application/x-www-form-urlencoded'],
  },
  json: {
    limit: bodyLimits.public,
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    types: [
      'application/json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/csp-report',
    ],
  },
  multipart: {
    autoProcess: false,
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    limit: bodyLimits.public,
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
