import { defineSettings } from '#plugin-sdk'

/**
 * The server's environment variables this plugin reads. The OAuth
 * consumer is optional: without it the connect page offers only the API
 * token and access token methods.
 */
export const environment = defineSettings({
  BITBUCKET_OAUTH_CONSUMER_KEY: {
    type: 'string',
    description: "the OAuth consumer's key (Workspace settings → OAuth consumers)",
  },
  BITBUCKET_OAUTH_CONSUMER_SECRET: {
    type: 'string',
    description: "the OAuth consumer's secret",
  },
  BITBUCKET_API_URL: {
    type: 'url',
    default: 'https://api.bitbucket.org',
    description: 'the REST API root (its paths start with /2.0)',
  },
  BITBUCKET_URL: {
    type: 'url',
    default: 'https://bitbucket.org',
    description: 'the web host serving the OAuth endpoints (/site/oauth2/...)',
  },
  BITBUCKET_WEBHOOK_PROXY_URL: {
    type: 'url',
    description:
      'the public URL registered in Bitbucket webhooks, when deliveries reach Sextant through a proxy',
  },
  BITBUCKET_PR_DETAIL_DAYS: {
    type: 'number',
    min: 0,
    default: 30,
    description:
      'pull requests updated within this many days get their activity (merge, first review) and diffstat read',
  },
  BITBUCKET_HISTORY_DAYS: {
    type: 'number',
    min: 1,
    default: 365,
    description: "how far back the first sync reads a main branch's commits and pipelines",
  },
})

export const apiUrl = () => environment.get('BITBUCKET_API_URL')
export const webUrl = () => environment.get('BITBUCKET_URL')
