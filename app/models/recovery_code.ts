import { RecoveryCodeSchema } from '#database/schema'

/**
 * One single-use recovery code, stored as a keyed digest.
 */
export default class RecoveryCode extends RecoveryCodeSchema {}
