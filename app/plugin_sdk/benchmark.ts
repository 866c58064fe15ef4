import type { Server } from 'node:http'

import type { TokenAbility } from '#services/token_abilities'
/**
 * Fixtures for a plugin's benchmark commands (`npm run bench:<x>`, NODE_ENV=test
 * and a database whose name contains "bench"). The core modules load only
 * when a benchmark calls these, never when the app serves requests.
 */
export const benchmark = {
  /** drops every table of the bench database and runs all migrations (plugins' too) */
  async prepareDatabase() {
    const { prepareBenchDatabase } = await import('#bench/support')
    await prepareBenchDatabase()
  },

  /** the app's HTTP server on an ephemeral loopback port */
  async startServer(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
    const { createServer } = await import('node:http')
    const { default: testUtils } = await import('@adonisjs/core/services/test_utils')
    let server: Server | null = null
    process.env.HOST = '127.0.0.1'
    process.env.PORT = '0'
    const close = await testUtils.httpServer().start((handler) => {
      server = createServer(handler)
      return server
    })
    const address = (server as Server | null)?.address()
    if (!address || typeof address === 'string')
      throw new Error('The benchmark server did not start')
    return { baseUrl: `http://127.0.0.1:${address.port}`, close: async () => close() }
  },

  /**
   * A new organisation with one member who has a second factor (the API
   * refuses tokens of users without one) and an API token that reads and
   * writes (or the abilities given, e.g. `['assistant']` for the Noa
   * endpoint, which refuses a token without it).
   */
  async memberWithToken(abilities?: TokenAbility[]): Promise<{
    organizationId: number
    organizationPublicId: string
    userId: number
    token: string
  }> {
    const { benchMemberWithToken } = await import('#bench/support')
    return benchMemberWithToken(abilities)
  },

  /**
   * The SQL statements this process has sent so far (a counter installed
   * on first call): divide the difference by the pages or requests done.
   */
  async queryCounter(): Promise<() => number> {
    const { inProcessQueryCounter } = await import('#bench/support')
    return inProcessQueryCounter()
  },

  /** the benchmark's figures for `npm run bench` (its table and tmp/bench/results.json) */
  async record(name: string, figures: Record<string, number | string | null>) {
    const { recordBenchResult } = await import('#bench/support')
    await recordBenchResult(name, figures)
  },
}
