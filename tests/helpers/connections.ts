import { upsertConnection } from '#actions/connections/store_connection'
import type Organization from '#models/organization'

/**
 * A connection as the connect form leaves it (credentials sealed to the
 * row), through the same code the form uses.
 */
export function createConnection(
  organization: Organization,
  input: {
    pluginId?: string
    accountKey?: string
    credentials?: Record<string, string>
    config?: Record<string, unknown>
    baseUrl?: string | null
    status?: 'active' | 'inactive' | 'error' | 'pending'
  } = {}
) {
  const accountKey = input.accountKey ?? 'acme'
  return upsertConnection({
    organizationId: organization.id,
    pluginId: input.pluginId ?? 'fixture',
    accountKey,
    createdById: null,
    displayName: accountKey,
    config: input.config ?? { workspace: accountKey },
    credentials: input.credentials ?? { token: 'good-token' },
    baseUrl: input.baseUrl ?? null,
    status: input.status ?? 'active',
  })
}
