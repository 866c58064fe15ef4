import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import MfaFactor from '#models/mfa_factor'
import RecoveryCode from '#models/recovery_code'
import AuditEvent from '#models/audit_event'
import type User from '#models/user'
import { CLI_META } from '#services/audit'
import { totp } from '#services/totp'
import RemovePasskey from '#actions/passkeys/remove_passkey'
import RegenerateRecoveryCodes from '#actions/auth/regenerate_recovery_codes'
import VerifySecondFactor, {
  SecondFactorRejectedException,
} from '#actions/auth/verify_second_factor'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/**
 * The second factors a user holds and spends: passkeys removed (never the
 * last factor), recovery codes regenerated (the old ones die with it),
 * and one TOTP code or recovery code accepted once however many requests
 * race with it.
 */

/** a passkey as registration stores it (the WebAuthn ceremony itself is the browser suite's) */
function addPasskey(user: User, label = 'Security key') {
  return MfaFactor.create({
    userId: user.id,
    kind: 'passkey',
    label,
    credentialId: randomBytes(16).toString('base64url'),
    publicKey: randomBytes(65).toString('base64url'),
    signCount: 0,
    transports: 'usb',
    confirmedAt: DateTime.now(),
  })
}

async function signedIn(account: TestAccount) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/settings/security')
  return web
}

/** a second browser at the second-factor step, as after the password */
async function atSecondFactorStep(account: TestAccount) {
  const web = new WebClient()
  await web.submitPassword(account.email, account.password)
  await web.get('/sign-in/mfa')
  return web
}

async function factorsOf(user: User) {
  return MfaFactor.query().where('user_id', user.id).orderBy('id')
}

test.group('Second factors | passkey removal', (group) => {
  group.each.setup(resetDatabase)

  test('a passkey is removed when another factor remains, and the removal is audited', async ({
    assert,
  }) => {
    const account = await createAccount()
    const passkey = await addPasskey(account.user)
    const web = await signedIn(account)

    const response = await web.post(`/settings/passkeys/${passkey.publicId}/remove`)
    assert.equal(response.location, '/settings/security')
    assert.include((await web.get('/settings/security')).text, 'Passkey removed.')
    assert.deepEqual(
      (await factorsOf(account.user)).map((factor) => factor.kind),
      ['totp']
    )
    const audit = await AuditEvent.query().where('event', 'mfa.disabled').firstOrFail()
    assert.deepEqual(audit.details, { kind: 'passkey' })
  })

  test('the only second factor cannot be removed', async ({ assert }) => {
    const account = await createAccount()
    const passkey = await addPasskey(account.user)
    const web = await signedIn(account)
    // The authenticator app is gone: the passkey is all that is left.
    await MfaFactor.query().where('user_id', account.user.id).where('kind', 'totp').delete()

    await web.post(`/settings/passkeys/${passkey.publicId}/remove`)
    assert.include(
      (await web.get('/settings/security')).text,
      'This is your only second factor; add another before removing it.'
    )
    assert.lengthOf(await factorsOf(account.user), 1)
    assert.lengthOf(await AuditEvent.query().where('event', 'mfa.disabled'), 0)
  })

  test('an unconfirmed factor does not count as the other one', async ({ assert }) => {
    const account = await createAccount({ withTotp: false })
    const passkey = await addPasskey(account.user)
    await MfaFactor.create({
      userId: account.user.id,
      kind: 'totp',
      label: 'Pending',
      secret: null,
    })

    await assert.rejects(
      () =>
        new RemovePasskey().execute({
          user: account.user,
          factorPublicId: passkey.publicId,
          meta: CLI_META,
        }),
      'This is your only second factor; add another before removing it.'
    )
    assert.lengthOf(await factorsOf(account.user), 2)
  })

  test("another user's passkey is a 404 and stays", async ({ assert }) => {
    const account = await createAccount()
    const other = await createAccount()
    const theirs = await addPasskey(other.user)
    const web = await signedIn(account)

    assert.equal((await web.post(`/settings/passkeys/${theirs.publicId}/remove`)).status, 404)
    assert.lengthOf(await factorsOf(other.user), 2)
  })

  test('two passkeys removed at the same moment, with nothing else left, keep one', async ({
    assert,
  }) => {
    const account = await createAccount({ withTotp: false })
    // Several rounds: a race lost once is not a race that cannot happen.
    for (let round = 0; round < 5; round++) {
      await MfaFactor.query().where('user_id', account.user.id).delete()
      const keys = [await addPasskey(account.user, 'A'), await addPasskey(account.user, 'B')]
      const outcomes = await Promise.allSettled(
        keys.map((key) =>
          new RemovePasskey().execute({
            user: account.user,
            factorPublicId: key.publicId,
            meta: CLI_META,
          })
        )
      )
      assert.lengthOf(await factorsOf(account.user), 1, `round ${round}: one factor kept`)
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
      assert.lengthOf(refused, 1, `round ${round}: one removal refused`)
      assert.equal(
        (refused[0] as PromiseRejectedResult).reason.message,
        'This is your only second factor; add another before removing it.'
      )
    }
  })
})

test.group('Second factors | recovery codes', (group) => {
  group.each.setup(resetDatabase)

  test('regenerating the codes shows ten new ones and the old ones stop working', async ({
    assert,
  }) => {
    const account = await createAccount()
    const [oldCode] = account.recoveryCodes
    const web = await signedIn(account)

    const regenerated = await web.post('/settings/recovery-codes')
    assert.equal(regenerated.location, '/mfa/recovery-codes')
    const page = await web.get('/mfa/recovery-codes')
    const fresh = [...page.text.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1])
    assert.lengthOf(fresh, 10)
    assert.lengthOf(new Set(fresh), 10)
    for (const code of account.recoveryCodes) assert.notInclude(fresh, code)
    assert.lengthOf(await RecoveryCode.query().where('user_id', account.user.id), 10)

    const withOld = await atSecondFactorStep(account)
    const refused = await withOld.post('/sign-in/mfa', { code: oldCode })
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'That recovery code is not valid or was already used.')

    const withNew = await atSecondFactorStep(account)
    const accepted = await withNew.post('/sign-in/mfa', { code: fresh[0] })
    assert.equal(accepted.status, 302)
    assert.equal((await withNew.get('/')).status, 200)
  })

  test('a used code does not survive a regeneration as unused', async ({ assert }) => {
    const account = await createAccount()
    const verify = (code: string) =>
      new VerifySecondFactor().execute({ user: account.user, code, meta: CLI_META })
    await verify(account.recoveryCodes[0])

    const fresh = await new RegenerateRecoveryCodes().execute({
      user: account.user,
      meta: CLI_META,
    })
    const rows = await RecoveryCode.query().where('user_id', account.user.id)
    assert.lengthOf(rows, 10)
    assert.isTrue(rows.every((row) => row.usedAt === null))
    for (const old of account.recoveryCodes) {
      await assert.rejects(() => verify(old), SecondFactorRejectedException)
    }
    const result = await verify(fresh[9])
    assert.deepEqual(result, { method: 'recovery_code', remainingRecoveryCodes: 9 })
  })
})

test.group('Second factors | one code, many requests', (group) => {
  group.each.setup(resetDatabase)

  test('two sign-ins submitting the same TOTP code at once: one gets in, the other is refused', async ({
    assert,
  }) => {
    const account = await createAccount()
    const code = totp.codeAt(account.totpSecret!, Date.now())
    const browsers = [await atSecondFactorStep(account), await atSecondFactorStep(account)]

    const answers = await Promise.all(
      browsers.map((browser) => browser.post('/sign-in/mfa', { code }))
    )

    assert.sameMembers(
      answers.map((answer) => answer.status),
      [302, 422]
    )
    const [winner, loser] = answers[0].status === 302 ? browsers : [...browsers].reverse()
    assert.equal((await winner.get('/')).status, 200)
    assert.equal((await loser.get('/')).location, '/sign-in/mfa')
  })

  test('ten verifications of one TOTP code at once: exactly one is accepted', async ({
    assert,
  }) => {
    const account = await createAccount()
    const code = totp.codeAt(account.totpSecret!, Date.now())
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        new VerifySecondFactor().execute({ user: account.user, code, meta: CLI_META })
      )
    )
    assert.lengthOf(
      outcomes.filter((outcome) => outcome.status === 'fulfilled'),
      1
    )
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        assert.instanceOf(outcome.reason, SecondFactorRejectedException)
    }
    assert.lengthOf(await AuditEvent.query().where('event', 'mfa.failed'), 9)
  })

  test('ten uses of one recovery code at once: exactly one is accepted', async ({ assert }) => {
    const account = await createAccount()
    const [code] = account.recoveryCodes
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        new VerifySecondFactor().execute({ user: account.user, code, meta: CLI_META })
      )
    )
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    assert.lengthOf(accepted, 1)
    assert.deepEqual((accepted[0] as PromiseFulfilledResult<unknown>).value, {
      method: 'recovery_code',
      remainingRecoveryCodes: 9,
    })
    assert.lengthOf(
      await RecoveryCode.query().where('user_id', account.user.id).whereNotNull('used_at'),
      1
    )
  })
})
