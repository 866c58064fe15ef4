import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import sextantConfig from '#config/sextant'

/**
 * Maintenance mode is a file at the project root, so it works across
 * every instance sharing the folder, survives restarts, and can be
 * toggled by hand when the app cannot start at all.
 */
export const maintenance = {
  get flagFile() {
    return sextantConfig.maintenance.flagFile
  },

  get retryAfterSeconds() {
    return sextantConfig.maintenance.retryAfterSeconds
  },

  isEnabled() {
    return existsSync(this.flagFile)
  },

  async enable(reason?: string) {
    const note = { since: new Date().toISOString(), reason: reason ?? null }
    await writeFile(this.flagFile, `${JSON.stringify(note)}\n`)
  },

  async disable() {
    await rm(this.flagFile, { force: true })
  },

  /**
   * Requests that keep working during maintenance: probes (so load
   * balancers do not kill the instance) and the assets of the 503 page.
   */
  isExempt(pathname: string) {
    return (
      pathname === '/health' || pathname.startsWith('/health/') || pathname.startsWith('/assets/')
    )
  },
}
