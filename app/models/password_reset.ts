import { PasswordResetSchema } from '#database/schema'

/**
 * A password reset request: the emailed token's digest, valid one hour,
 * usable once.
 */
export default class PasswordReset extends PasswordResetSchema {}
