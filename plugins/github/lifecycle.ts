import type { PluginLifecycle } from '#plugin-sdk'
import { uninstallInstallation } from './app_auth.js'

/**
 * When a member disconnects GitHub, the App is uninstalled from the
 * account, so GitHub stops sending deliveries and the App's access ends
 * with the connection. A failure (GitHub down, the App's key rotated)
 * shows on the connection's page with Retry; the disconnect itself is
 * not held up. When GitHub uninstalled the App itself (the
 * installation.deleted delivery), the connection is removed without
 * this hook: nothing is left to call.
 */
export const gitHubLifecycle: PluginLifecycle = {
  async onDisconnecting({ connection, logger }) {
    const installationId = String(connection.config.installationId ?? connection.accountKey)
    const outcome = await uninstallInstallation(installationId)
    logger.info(
      { connection: connection.publicId, installation: installationId, outcome },
      outcome === 'gone'
        ? 'GitHub App installation already gone'
        : 'GitHub App uninstalled from the account'
    )
  },
}
