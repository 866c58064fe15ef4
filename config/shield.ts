import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/shield'
import { formActionSources } from '#services/plugins/form_action'

/**
 * Strict by default: no inline script or style anywhere (htmx runs with
 * allowEval off and without its inline indicator styles), no framing.
 */
const shieldConfig = defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`],
      styleSrc: [`'self'`],
      imgSrc: [`'self'`, 'data:'],
      fontSrc: [`'self'`],
      connectSrc: [`'self'`],
      // 'self' and the providers connect buttons send the browser to
      formAction: [() => formActionSources()],
      frameAncestors: [`'none'`],
      baseUri: [`'self'`],
      objectSrc: [`'none'`],
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    // A multipart body is still unread here (only routes that accept
    // uploads take one): their acceptsUpload middleware checks the token
    // before and after reading it.
    exceptRoutes: (ctx) => ctx.request.bodyType === 'multipart',
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: {
    enabled: true,
    action: 'DENY',
  },
  hsts: {
    enabled: app.inProduction,
    maxAge: '365 days',
    includeSubDomains: true,
  },
  contentTypeSniffing: {
    enabled: true,
  },
})

export default shieldConfig
