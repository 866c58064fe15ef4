import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'

/**
 * How many unused recovery codes a user has left.
 */
export default class CountRecoveryCodes {
  async execute(user: User) {
    const [row] = await db
      .from('recovery_codes')
      .where('user_id', user.id)
      .whereNull('used_at')
      .count('* as total')
    return Number(row.total)
  }
}
