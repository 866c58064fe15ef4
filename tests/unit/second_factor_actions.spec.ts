import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import sextantConfig from '#config/sextant'
import AuditEvent from '#models/audit_event'
import MfaFactor from '#models/mfa_factor'
import RecoveryCode from '#models/recovery_code'
import type User from '#models/user'
import RegenerateRecoveryCodes from '#actions/auth/regenerate_recovery_codes'
import StartTotpEnrolment from '#actions/auth/start_totp_enrolment'
import VerifySecondFactor, {
  SecondFactorRejectedException,
} from '#actions/auth/verify_second_factor'
import { CLI_META } from '#services/audit'
import { recoveryCodeDigest } from '#services/one_time_tokens'
import { totp } from '#services/totp'
import { createAccount } from '#tests/helpers/accounts'
import { db, resetDatabase } from '#tests/helpers/database'

/**
 * The second-factor actions called directly, on the real database: what
 * regenerating recovery codes replaces, and what a TOTP or recovery code
 * is accepted for (once). tests/functional/auth/second_factor.spec.ts
 * shows the same through the pages; these are quick enough to run
 * against every mutant of the two actions.
 */

const verify = (user: User, code: string, purpose?: 'sign_in' | 'reauth') =>
  new VerifySecondFactor().execute({ user, code, meta: CLI_META, purpose })

/** the refusal, captured so the assertions run outside any catch */
async function refusal(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => null,
    (caught: unknown) => caught
  )
  if (!(error instanceof SecondFactorRejectedException)) {
    throw new Error(`expected a SecondFactorRejectedException, got ${String(error)}`)
  }
  // what the handler renders and API clients read: 422, E_SECOND_FACTOR_REJECTED
  if (error.status !== 422 || error.code !== 'E_SECOND_FACTOR_REJECTED') {
    throw new Error(`expected 422 E_SECOND_FACTOR_REJECTED, got ${error.status} ${error.code}`)
  }
  return error
}

/** the code of a step one period away from any step the account has used */
const codeOfNow = (secret: string) => totp.codeAt(secret, Date.now())

test.group('Recovery codes | regenerated', (group) => {
  group.each.setup(resetDatabase())

  test('ten distinct new codes replace the old ones, stored as digests only', async ({
    assert,
  }) => {
    const account = await createAccount()

    const fresh = await new RegenerateRecoveryCodes().execute({
      user: account.user,
      meta: CLI_META,
    })

    assert.lengthOf(fresh, sextantConfig.auth.recoveryCodeCount)
    assert.lengthOf(new Set(fresh), sextantConfig.auth.recoveryCodeCount)
    const rows = await RecoveryCode.query().where('user_id', account.user.id).orderBy('id')
    assert.sameMembers(
      rows.map((row) => row.codeHash),
      fresh.map((code) => recoveryCodeDigest(code))
    )
    assert.isTrue(rows.every((row) => row.usedAt === null))
    for (const old of account.recoveryCodes) assert.notInclude(fresh, old)
  })

  test('an old code stops working and a new one works', async ({ assert }) => {
    const account = await createAccount()
    const fresh = await new RegenerateRecoveryCodes().execute({
      user: account.user,
      meta: CLI_META,
    })

    const error = await refusal(verify(account.user, account.recoveryCodes[0]))
    assert.equal(error.message, 'That recovery code is not valid or was already used.')
    assert.deepEqual(await verify(account.user, fresh[0]), {
      method: 'recovery_code',
      remainingRecoveryCodes: sextantConfig.auth.recoveryCodeCount - 1,
    })
  })

  test("another user's codes are left alone", async ({ assert }) => {
    const regenerating = await createAccount()
    const other = await createAccount({ organization: regenerating.organization })

    await new RegenerateRecoveryCodes().execute({ user: regenerating.user, meta: CLI_META })

    assert.lengthOf(
      await RecoveryCode.query().where('user_id', other.user.id),
      sextantConfig.auth.recoveryCodeCount
    )
    assert.equal((await verify(other.user, other.recoveryCodes[0])).method, 'recovery_code')
  })

  test('the regeneration is audited, unless the caller records its own event', async ({
    assert,
  }) => {
    const account = await createAccount()
    await new RegenerateRecoveryCodes().execute({ user: account.user, meta: CLI_META })

    const events = await AuditEvent.query().where('event', 'recovery_codes.regenerated')
    assert.lengthOf(events, 1)
    assert.equal(events[0].actorId, account.user.id)
    assert.equal(events[0].subject, account.email)
    assert.equal(events[0].userAgent, CLI_META.userAgent)

    await new RegenerateRecoveryCodes().execute({
      user: account.user,
      meta: CLI_META,
      audit: false,
    })
    assert.lengthOf(await AuditEvent.query().where('event', 'recovery_codes.regenerated'), 1)
  })

  test("inside the caller's transaction, a rollback keeps the old codes", async ({ assert }) => {
    const account = await createAccount()
    const before = (await RecoveryCode.query().where('user_id', account.user.id))
      .map((row) => row.codeHash)
      .sort()

    const trx = await db.transaction()
    await new RegenerateRecoveryCodes().execute({ user: account.user, meta: CLI_META, trx })
    await trx.rollback()

    const after = (await RecoveryCode.query().where('user_id', account.user.id))
      .map((row) => row.codeHash)
      .sort()
    assert.deepEqual(after, before)
    assert.lengthOf(await AuditEvent.query().where('event', 'recovery_codes.regenerated'), 0)
  })
})

test.group('Second factor | verified', (group) => {
  group.each.setup(resetDatabase())

  test('a TOTP code is accepted once and its step recorded; the same code again is refused', async ({
    assert,
  }) => {
    const account = await createAccount()
    const now = Date.now()
    const code = totp.codeAt(account.totpSecret!, now)

    assert.deepEqual(await verify(account.user, code), { method: 'totp' })
    const factor = await MfaFactor.query().where('user_id', account.user.id).firstOrFail()
    assert.equal(Number(factor.lastUsedStep), Math.floor(now / 30_000))
    assert.isNotNull(factor.lastUsedAt)

    const error = await refusal(verify(account.user, code))
    assert.equal(error.message, 'That code is not valid or was already used.')
  })

  test('a wrong code is refused, and the refusal audited with its purpose', async ({ assert }) => {
    const account = await createAccount()
    const wrong = codeOfNow(totp.generateSecret())

    await refusal(verify(account.user, wrong))
    await refusal(verify(account.user, 'AAAAA-BBBBB', 'reauth'))

    const events = await AuditEvent.query().where('event', 'mfa.failed').orderBy('id')
    assert.lengthOf(events, 2)
    assert.equal(events[0].actorId, account.user.id)
    assert.equal(events[0].subject, account.email)
    assert.equal(events[0].userAgent, CLI_META.userAgent)
    assert.deepEqual(events[0].details, { purpose: 'sign_in' })
    assert.deepEqual(events[1].details, { purpose: 'reauth' })
  })

  test('a factor with no step recorded yet still refuses a wrong code', async ({ assert }) => {
    const account = await createAccount()
    // as a factor confirmed before steps were recorded: the conditional
    // update alone would let any code through
    await db.from('mfa_factors').where('user_id', account.user.id).update({ last_used_step: null })

    await refusal(verify(account.user, codeOfNow(totp.generateSecret())))
    const factor = await MfaFactor.query().where('user_id', account.user.id).firstOrFail()
    assert.isNull(factor.lastUsedStep)
  })

  test('a code of a factor not yet confirmed does not get in', async ({ assert }) => {
    const account = await createAccount({ withTotp: false })
    const enrolment = await new StartTotpEnrolment().execute(account.user)

    await refusal(verify(account.user, codeOfNow(enrolment.secret)))
    assert.lengthOf(await AuditEvent.query().where('event', 'mfa.failed'), 1)
  })

  test("another user's TOTP code does not get in", async ({ assert }) => {
    const owner = await createAccount()
    const other = await createAccount({ organization: owner.organization })

    await refusal(verify(other.user, codeOfNow(owner.totpSecret!)))
    assert.deepEqual(await verify(owner.user, codeOfNow(owner.totpSecret!)), { method: 'totp' })
  })

  test('a passkey beside the TOTP factor leaves a wrong code a plain refusal', async ({
    assert,
  }) => {
    const account = await createAccount()
    await MfaFactor.create({
      userId: account.user.id,
      kind: 'passkey',
      label: 'Security key',
      credentialId: randomBytes(16).toString('base64url'),
      publicKey: randomBytes(65).toString('base64url'),
      signCount: 0,
      transports: 'usb',
      confirmedAt: DateTime.now(),
    })

    const error = await refusal(verify(account.user, codeOfNow(totp.generateSecret())))
    assert.equal(error.message, 'That code is not valid or was already used.')
  })

  test('ten verifications of one TOTP code at once: exactly one is accepted', async ({
    assert,
  }) => {
    const account = await createAccount()
    const code = codeOfNow(account.totpSecret!)

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => verify(account.user, code))
    )

    assert.lengthOf(
      outcomes.filter((outcome) => outcome.status === 'fulfilled'),
      1
    )
    assert.lengthOf(await AuditEvent.query().where('event', 'mfa.failed'), 9)
  })

  test('a recovery code is accepted once, counts the codes left, and is audited', async ({
    assert,
  }) => {
    const account = await createAccount()
    // another user's unused codes are not counted as left
    await createAccount({ organization: account.organization })
    const [code] = account.recoveryCodes
    const total = sextantConfig.auth.recoveryCodeCount

    assert.deepEqual(await verify(account.user, code), {
      method: 'recovery_code',
      remainingRecoveryCodes: total - 1,
    })
    assert.deepEqual(await verify(account.user, account.recoveryCodes[1]), {
      method: 'recovery_code',
      remainingRecoveryCodes: total - 2,
    })
    const used = await RecoveryCode.query()
      .where('user_id', account.user.id)
      .whereNotNull('used_at')
    assert.lengthOf(used, 2)

    const error = await refusal(verify(account.user, code))
    assert.equal(error.message, 'That recovery code is not valid or was already used.')

    const events = await AuditEvent.query().where('event', 'recovery_code.used').orderBy('id')
    assert.lengthOf(events, 2)
    assert.equal(events[0].actorId, account.user.id)
    assert.equal(events[0].subject, account.email)
    assert.equal(events[0].userAgent, CLI_META.userAgent)
    assert.deepEqual(events[0].details, { remaining: total - 1 })
  })

  test("another user's recovery code does not get in", async ({ assert }) => {
    const owner = await createAccount()
    const other = await createAccount({ organization: owner.organization })

    await refusal(verify(other.user, owner.recoveryCodes[0]))
    assert.lengthOf(await RecoveryCode.query().whereNotNull('used_at'), 0)
  })
})
