import { configProvider } from '@adonisjs/core'
import { pluginAllyDrivers } from '#services/plugins/ally_drivers'

/**
 * Social authentication (@adonisjs/ally) runs the authorization-code leg
 * of every plugin's OAuth 2.0 connect. There is no fixed list of
 * providers: each plugin's OAuth methods register their driver when the
 * plugin loads (app/services/plugins/ally_drivers.ts), into the object
 * this configuration resolves to, and `ctx.ally.use(name)` finds them
 * there. (Ally's defineConfig copies the list once, at boot, before the
 * plugins load.)
 */
const allyConfig = configProvider.create(async () => pluginAllyDrivers)

export default allyConfig
