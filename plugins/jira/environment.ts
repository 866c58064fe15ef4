import { defineSettings } from '#plugin-sdk'

/**
 * The server's environment variables for Jira: the operator's OAuth 2.0
 * (3LO) app in the Atlassian developer console, under the names the
 * system Sextant replaces used. API-token connections need none of them.
 */
export const environment = defineSettings({
  JIRA_OAUTH_CONSUMER_KEY: {
    type: 'string',
    description: "the OAuth 2.0 (3LO) app's client ID (Atlassian developer console)",
  },
  JIRA_OAUTH_CONSUMER_SECRET: {
    type: 'string',
    description: "the OAuth 2.0 (3LO) app's secret",
  },
  JIRA_OAUTH_REDIRECT_URL: {
    // kept as typed: Atlassian compares the redirect URL exactly, trailing slash included
    type: 'string',
    description:
      "the callback URL registered for the app, when it is the old system's (https://<host>/compass/api/v1/integrations/connect-jira-redirect/); empty for Sextant's own",
  },
  JIRA_AUTH_URL: {
    type: 'url',
    default: 'https://auth.atlassian.com',
    description: 'the Atlassian authorization server (authorize and token endpoints)',
  },
  JIRA_API_GATEWAY_URL: {
    type: 'url',
    default: 'https://api.atlassian.com',
    description: 'the Atlassian API gateway (accessible-resources and /ex/jira/{cloudId})',
  },
  JIRA_SEARCH_PAGE_SIZE: {
    type: 'number',
    min: 1,
    default: 100,
    description: 'issues per search page (Jira caps it, at 100 with changelogs)',
  },
  JIRA_NEAR_LIMIT_INTERVAL_MS: {
    type: 'number',
    min: 0,
    default: 500,
    description:
      'the gap between two requests while Jira says a rate-limit budget is nearly spent (X-RateLimit-NearLimit)',
  },
  JIRA_MAX_BUDGET_WAIT_SECONDS: {
    type: 'number',
    min: 0,
    default: 120,
    description:
      "the longest a sync waits for Jira's points quota to reset before it stops (the next run resumes)",
  },
})
