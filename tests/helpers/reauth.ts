import { MessageBuilder } from '@adonisjs/core/helpers'
import db from '@adonisjs/lucid/services/db'

/**
 * Moves a signed-in user's last re-authentication back past the window
 * (config/sextant.ts reauthWindow), as if they had signed in long ago.
 */
export async function staleReauthentication(userId: number) {
  const row = await db.from('sessions').where('user_id', String(userId)).firstOrFail()
  const data = new MessageBuilder().verify<Record<string, any>>(row.data, row.id)!
  data['auth.reauthAt'] = Date.now() - 11 * 60 * 1000
  await db
    .from('sessions')
    .where('id', row.id)
    .update({ data: new MessageBuilder().build(data, undefined, row.id) })
}
