import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { runAce } from '#tests/helpers/processes'
import { SecretBox } from '#services/secret_box'

test.group('Secrets | key rotation', (group) => {
  group.each.setup(resetDatabase)

  test('secrets:rotate re-seals TOTP secrets with a new key; the old key can then go', async ({
    assert,
  }) => {
    const account = await createAccount()
    const oldKey = process.env.SECRETS_ENCRYPTION_KEYS!
    const newKey = 'rotation-test-new-key-not-secret-0123456789'
    const before = await db.from('mfa_factors').where('user_id', account.user.id).firstOrFail()

    const result = await runAce(['secrets:rotate'], {
      SECRETS_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
      DB_CONNECTION: process.env.DB_CONNECTION,
      DATABASE_URL: process.env.DATABASE_URL,
    })
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.include(result.stdout, 'mfa_factors.secret: 1 re-encrypted')

    const after = await db.from('mfa_factors').where('id', before.id).firstOrFail()
    assert.notEqual(after.secret, before.secret)
    const purpose = { table: 'mfa_factors', column: 'secret', rowId: before.id }
    assert.equal(new SecretBox([newKey]).open(after.secret, purpose), account.totpSecret)
    assert.throws(() => new SecretBox([oldKey]).open(after.secret, purpose))
  }).timeout(60_000)
})
