import Organization from '#models/organization'
import RunSync from '#actions/sync/run_sync'
import type Connection from '#models/connection'

/**
 * What the plugins' benchmark commands share through their testbeds: an
 * organisation to connect, and a sync run the way `fetch:data` runs it.
 */
export async function benchOrganization() {
  return Organization.create({ name: 'Bench', slug: `bench-${Date.now()}` })
}

export function runSync(connection: Connection, tasks: string[], options: { full?: boolean } = {}) {
  return new RunSync().execute({ connection, tasks, trigger: 'cli', full: options.full })
}
