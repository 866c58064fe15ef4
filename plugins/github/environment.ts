import { defineSettings } from '#plugin-sdk'

/**
 * The server's environment variables this plugin reads: one GitHub App
 * serves every organisation. The App's own variables are optional: a
 * superuser can instead create the App from Sextant (Admin → GitHub
 * App, stored sealed in the database); when any of them is set, the
 * environment wins and the connect page names what is still missing.
 */
export const environment = defineSettings({
  GITHUB_APP_ID: { type: 'string', description: 'the App ID' },
  GITHUB_APP_PRIVATE_KEY: {
    type: 'string',

    orInstead: 'GITHUB_APP_PRIVATE_KEY_PATH',
    description: "the App's private key (PEM, or a file holding it)",
  },
  GITHUB_APP_PRIVATE_KEY_PATH: {
    type: 'string',
    description: "a file holding the App's private key",
  },
  GITHUB_APP_SLUG: { type: 'string', description: "the App's URL name" },
  GITHUB_CLIENT_ID: { type: 'string', description: "the App's client ID" },
  GITHUB_CLIENT_SECRET: {
    type: 'string',

    description: "the App's client secret",
  },
  GITHUB_WEBHOOK_SECRET: {
    type: 'string',

    description: "the App's webhook secret",
  },
  GITHUB_API_URL: {
    type: 'url',
    default: 'https://api.github.com',
    description: 'the REST API (GitHub Enterprise Server: https://ghe.example.com/api/v3)',
  },
  GITHUB_URL: {
    type: 'url',
    default: 'https://github.com',
    description: 'the web host (GitHub Enterprise Server: https://ghe.example.com)',
  },
  GITHUB_WRITE_INTERVAL_MS: {
    type: 'number',
    min: 0,
    default: 1000,
    description: 'gap between two writes (check runs): GitHub asks for at least a second',
  },
  GITHUB_PR_DETAIL_DAYS: {
    type: 'number',
    min: 0,
    default: 180,
    description: 'pull requests updated within this many days get their size and reviews read',
  },
  GITHUB_SNAPSHOT_MAX_BYTES: {
    type: 'number',
    min: 0,
    default: 2 * 1024 ** 3,
    description: 'a repository archive larger than this is refused',
  },
  GITHUB_HISTORY_DAYS: {
    type: 'number',
    min: 1,
    default: 365,
    description: "how far back the first sync reads a default branch's history",
  },
  APP_URL: {
    type: 'url',
    description: 'where GitHub sends users back to, behind a proxy (default: the request origin)',
  },
})
