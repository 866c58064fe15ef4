import { PasswordHistorySchema } from '#database/schema'

/**
 * A previous password hash, kept to refuse reuse.
 */
export default class PasswordHistory extends PasswordHistorySchema {}
