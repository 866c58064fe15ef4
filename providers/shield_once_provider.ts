import type { ApplicationService } from '@adonisjs/core/types'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'

/**
 * Shield's provider binds its middleware with `bind`: every page built a
 * new one, which imported edge.js again (an `import()` per request, under
 * a loader hook a round trip to the hooks' thread: ~11% of an Executive
 * Summary's CPU) and rebuilt the CSRF, CSP (helmet), frame, HSTS and
 * nosniff guards from the config. The middleware keeps nothing of a
 * request (its guards are functions of the context), so one instance
 * serves them all; the CSP's form-action is still a function asked on
 * each response (app/services/plugins/form_action.ts).
 */
export default class ShieldOnceProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(ShieldMiddleware, async () => {
      const config = this.app.config.get<any>('shield', {})
      const encryptionManager = await this.app.container.make('encryption')
      const encryption = encryptionManager.use()
      const { default: edge } = await import('edge.js')
      return new ShieldMiddleware(config, encryption, edge)
    })
  }
}
