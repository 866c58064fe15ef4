import { startFakeAzure, type FakeAzure } from './server.js'

/**
 * The fake Azure DevOps organisation that the tests and
 * `bench:azure-devops` connect to, and the connection's values as the
 * connect form stores them. Imports only what the bench command may
 * (the SDK and its test kit), which lint checks.
 */
export const PAT = 'azure-pat-not-secret-0123456789'

export function startAzure(): Promise<FakeAzure> {
  return startFakeAzure({ organization: 'acme', pat: PAT })
}

/** a personal-access-token connection to the fake organisation */
export function azureConnection(azure: FakeAzure, config: Record<string, unknown> = {}) {
  return {
    pluginId: 'azure_devops',
    accountKey: azure.url.replace(/^https?:\/\//, '').toLowerCase(),
    credentials: { token: PAT },
    config,
    baseUrl: azure.url,
  }
}
