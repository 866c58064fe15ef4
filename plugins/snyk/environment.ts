import { defineSettings } from '#plugin-sdk'

/**
 * The server's environment variables the Snyk plugin reads. Each
 * organisation brings its own token; the operator may point the default
 * region elsewhere (a Snyk single-tenant host) and pin the API version.
 */
export const environment = defineSettings({
  SNYK_API_URL: {
    type: 'url',
    default: 'https://api.snyk.io',
    description:
      'the default API host (US); a connection may pick https://api.eu.snyk.io, https://api.au.snyk.io or its own',
  },
  SNYK_COMPLETE_READ_DAYS: {
    type: 'number',
    min: 0,
    default: 7,
    description:
      'days between complete reads of the issues (the runs between read only what changed); a complete read closes the issues Snyk no longer lists',
  },
  SNYK_API_VERSION: {
    type: 'string',
    default: '2024-10-15',
    description: 'the REST API version sent as ?version= on every /rest call',
  },
})
