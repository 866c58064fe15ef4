import type { IncomingMessage, ServerResponse } from 'node:http'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import proxyaddr from 'proxy-addr'

/**
 * The proxies whose X-Forwarded-For / -Proto / -Host are believed
 * (TRUSTED_PROXIES: addresses, CIDR ranges or proxy-addr's names
 * "loopback", "linklocal", "uniquelocal", separated by commas). Only
 * those: a client cannot pick its own address for the rate limits and
 * the audit log by sending the header itself.
 */
export const trustedProxies = (env.get('TRUSTED_PROXIES') ?? 'loopback')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)

/**
 * Absolute URL of this deployment (links in emails, webhook URLs shown
 * to admins). Defaults to the host and port the server listens on.
 */
export const appUrl =
  env.get('APP_URL') ?? `http://${env.get('HOST', 'localhost')}:${env.get('PORT', 3333)}`

export const http = defineConfig({
  /**
   * Every request gets an id; it is carried by each log line of that
   * request (ctx.logger) and echoed in the "X-Request-Id" header.
   */
  generateRequestId: true,
  trustProxy: proxyaddr.compile(trustedProxies),
  allowMethodSpoofing: true,
  useAsyncLocalStorage: true,
  /** a URL whose percent-encoding is broken: the styled 400 page, or JSON under /api */
  onBadUrl: (request: IncomingMessage, response: ServerResponse) => {
    void import('#exceptions/outside_pipeline').then(({ answerBadUrl }) =>
      answerBadUrl(request, response)
    )
  },
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
