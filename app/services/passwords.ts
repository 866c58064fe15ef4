import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import sextantConfig from '#config/sextant'
import PasswordHistory from '#models/password_history'
import User from '#models/user'
import { passwordProblems } from '#services/password_policy'

/**
 * A password the user cannot have: too weak, about them, or one of their
 * last N passwords. The message is shown next to the field.
 */
export class PasswordRejectedException extends FormRefusalException {
  static status = 422
  static code = 'E_PASSWORD_REJECTED'

  constructor(readonly problems: string[]) {
    super(problems.join(' '), { field: 'password' })
  }
}

export async function assertAcceptablePassword(
  password: string,
  context: { email: string; fullName?: string | null; user?: User | null }
) {
  const problems = passwordProblems(password, { email: context.email, fullName: context.fullName })
  if (problems.length) throw new PasswordRejectedException(problems)
  if (context.user && (await isRecentPassword(context.user, password))) {
    throw new PasswordRejectedException([
      `You used this password recently; choose one different from your last ${sextantConfig.auth.passwordHistorySize}.`,
    ])
  }
}

async function isRecentPassword(user: User, password: string) {
  const size = sextantConfig.auth.passwordHistorySize
  if (size <= 0) return false
  const previous = await PasswordHistory.query()
    .where('user_id', user.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(size)
  // The current password is the most recent one even for accounts whose
  // history predates it.
  const hashes = [...new Set([user.password, ...previous.map((row) => row.passwordHash)])].slice(
    0,
    size
  )
  for (const candidate of hashes) {
    if (candidate && (await hash.verify(candidate, password))) return true
  }
  return false
}

/**
 * Sets a new password and records its hash in the history (the current
 * password counts as one of the last N).
 */
export async function storeNewPassword(
  user: User,
  password: string,
  trx: TransactionClientContract
) {
  user.useTransaction(trx)
  user.password = password
  user.passwordChangedAt = DateTime.now()
  await user.save()
  await PasswordHistory.create({ userId: user.id, passwordHash: user.password }, { client: trx })
  const size = sextantConfig.auth.passwordHistorySize
  const keep = await PasswordHistory.query({ client: trx })
    .where('user_id', user.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.max(size, 1))
    .select('id')
  await PasswordHistory.query({ client: trx })
    .where('user_id', user.id)
    .whereNotIn(
      'id',
      keep.map((row) => row.id)
    )
    .delete()
}

/**
 * Creates an account with its first password, which also starts the
 * password history (every sign-up path goes through here).
 */
export async function createUserWithPassword(
  fields: { email: string; password: string; fullName?: string | null; isSuperuser?: boolean },
  trx: TransactionClientContract
) {
  const user = await User.create(
    {
      email: fields.email,
      password: fields.password,
      fullName: fields.fullName?.trim() || null,
      isSuperuser: fields.isSuperuser ?? false,
      passwordChangedAt: DateTime.now(),
    },
    { client: trx }
  )
  await PasswordHistory.create({ userId: user.id, passwordHash: user.password }, { client: trx })
  return user
}
