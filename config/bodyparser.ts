import env from '#start/env'
import { defineConfig } from '@adonisjs/core/bodyparser'
import documentsConfig from '#config/documents'
import { multipartReadAfterAuthentication } from '#services/token_route_bodies'

const bodyParserConfig = defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    types: ['application/x-www-form-urlencoded'],
  },
  json: {
    // Webhook deliveries (GitHub's reach 25 MB) are the largest JSON bodies.
    limit: env.get('WEBHOOK_MAX_BODY', '25mb'),
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
    autoProcess: true,
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    // Plugins' token routes read their upload after the token check (the
    // array fills as they are mounted; see app/services/plugins).
    processManually: multipartReadAfterAuthentication,
    // Document uploads are the largest multipart bodies: a request may
    // carry several files, and always one of the largest size allowed.
    limit: documentsConfig.requestLimitBytes,
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
