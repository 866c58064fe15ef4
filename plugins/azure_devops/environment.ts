import { defineSettings } from '#plugin-sdk'

/**
 * The server's settings for signing in with Microsoft Entra ID (the
 * operator's app registration). Personal access tokens need none of
 * them; without a client id and secret the Entra ID method says so.
 */
export const environment = defineSettings({
  AZURE_DEVOPS_HISTORY_DAYS: {
    type: 'number',
    min: 1,
    default: 90,
    description: 'how far back the first sync reads default-branch commits',
  },
  AZURE_DEVOPS_PR_DETAIL_DAYS: {
    type: 'number',
    min: 0,
    default: 30,
    description:
      'pull requests opened or closed within this many days also get their comment threads read (first review); 0 turns that off',
  },
  AZURE_DEVOPS_ENTRA_CLIENT_ID: {
    type: 'string',
    description:
      'the Entra ID app registration’s application (client) id, for signing in with Entra ID',
  },
  AZURE_DEVOPS_ENTRA_CLIENT_SECRET: {
    type: 'string',
    description: 'a client secret of that app registration',
  },
  AZURE_DEVOPS_ENTRA_AUTHORITY: {
    type: 'url',
    default: 'https://login.microsoftonline.com/organizations',
    description:
      'the Entra ID authority (a tenant id in place of "organizations" keeps sign-in to that tenant)',
  },
  AZURE_DEVOPS_PROFILE_URL: {
    type: 'url',
    default: 'https://app.vssps.visualstudio.com',
    description: 'where Azure DevOps lists the organisations a signed-in user belongs to',
  },
  AZURE_DEVOPS_SERVICES_URL: {
    type: 'url',
    default: 'https://dev.azure.com',
    description: 'the host of Azure DevOps Services organisations',
  },
})
