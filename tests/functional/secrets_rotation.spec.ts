import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { runAce } from '#tests/helpers/processes'
import { SecretBox } from '#services/secret_box'
import { createConnection } from '#tests/helpers/connections'
import { createOrganization } from '#tests/helpers/factories'
import { seedRepositories, startFakeProvider } from '#tests/helpers/fake_provider'

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

  test('secrets:rotate re-seals connection credentials; syncs then run on the new key alone', async ({
    assert,
    cleanup,
  }) => {
    const provider = await startFakeProvider()
    cleanup(() => provider.close())
    provider.state.repositories = seedRepositories(2, 3)
    const oldKey = process.env.SECRETS_ENCRYPTION_KEYS!
    const newKey = 'rotation-test-new-key-not-secret-0123456789'
    const connections = [
      await createConnection(await createOrganization(), { accountKey: 'acme' }),
      await createConnection(await createOrganization(), {
        accountKey: 'globex',
        credentials: { token: 'good-token', extra: 'second-secret' },
      }),
    ]
    const before = await db.from('connections').orderBy('id').select('id', 'credentials')

    const rotated = await runAce(['secrets:rotate'], {
      SECRETS_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
    })
    assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr)
    assert.include(rotated.stdout, 'connections.credentials: 2 re-encrypted, 0 already current')

    const after = await db.from('connections').orderBy('id').select('id', 'credentials')
    for (const [index, row] of after.entries()) {
      const purpose = { table: 'connections', column: 'credentials', rowId: row.id }
      assert.notEqual(row.credentials, before[index].credentials)
      assert.deepEqual(
        JSON.parse(new SecretBox([newKey]).open(row.credentials, purpose)),
        connections[index].openCredentials()
      )
      assert.throws(() => new SecretBox([oldKey]).open(row.credentials, purpose))
    }

    // Again: nothing left to do.
    const again = await runAce(['secrets:rotate'], { SECRETS_ENCRYPTION_KEYS: newKey })
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.include(again.stdout, 'connections.credentials: 0 re-encrypted, 2 already current')

    // The old key is gone and the connections still authenticate upstream.
    const synced = await runAce(['fetch:data', 'fixture'], { SECRETS_ENCRYPTION_KEYS: newKey })
    assert.equal(synced.code, 0, synced.stdout + synced.stderr)
    const runs = await db.from('sync_runs').select('status')
    assert.deepEqual(
      runs.map((run) => run.status),
      ['succeeded', 'succeeded']
    )
    const [{ total }] = await db.from('issues').count('* as total')
    assert.equal(Number(total), 2 * 2 * 3, 'each organisation has both repositories')
  }).timeout(120_000)

  test('secrets:rotate stops with one line and exit code 1 at a credential that does not open', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const good = await createConnection(organization, { accountKey: 'acme' })
    const moved = await createConnection(organization, { accountKey: 'globex' })
    // A ciphertext copied onto another row does not authenticate there.
    await db
      .from('connections')
      .where('id', moved.id)
      .update({
        credentials: (await db.from('connections').where('id', good.id).firstOrFail()).credentials,
      })
    const newKey = 'rotation-test-new-key-not-secret-0123456789'

    const result = await runAce(['secrets:rotate'], {
      SECRETS_ENCRYPTION_KEYS: `${newKey},${process.env.SECRETS_ENCRYPTION_KEYS}`,
    })
    assert.equal(result.code, 1)
    assert.include(result.stdout + result.stderr, 'secrets:rotate: ')
    assert.include(result.stdout + result.stderr, 'Secret failed authentication')
  }).timeout(60_000)
})
