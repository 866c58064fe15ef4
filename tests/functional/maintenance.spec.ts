import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { maintenance } from '#services/maintenance'
import { runAce } from '#tests/helpers/processes'

test.group('Maintenance mode', (group) => {
  group.each.teardown(() => rm(maintenance.flagFile, { force: true }))

  test('with maintenance.enabled present, pages answer a styled 503 with Retry-After', async ({
    client,
    assert,
  }) => {
    await writeFile(maintenance.flagFile, '')
    const response = await client.get('/').header('accept', 'text/html')
    response.assertStatus(503)
    assert.equal(response.header('retry-after'), String(maintenance.retryAfterSeconds))
    assert.include(response.text(), 'Down for maintenance')
    assert.match(response.text(), /href="\/assets\/app\.[a-f0-9]{10}\.css"/)
  })

  test('probes and the stylesheet keep answering during maintenance', async ({
    client,
    assert,
  }) => {
    await writeFile(maintenance.flagFile, '')
    ;(await client.get('/health')).assertStatus(200)
    ;(await client.get('/health/ready')).assertStatus(200)
    const css = /href="(\/assets\/app\.[a-f0-9]{10}\.css)"/.exec((await client.get('/')).text())![1]
    ;(await client.get(css)).assertStatus(200)
    assert.isTrue(maintenance.isEnabled())
  })

  test('JSON clients get a JSON 503', async ({ client, assert }) => {
    await writeFile(maintenance.flagFile, '')
    const response = await client.get('/').header('accept', 'application/json')
    response.assertStatus(503)
    assert.include(response.header('content-type'), 'application/json')
  })

  test('renaming maintenance.enabled.not to maintenance.enabled has the same effect', async ({
    client,
  }) => {
    const parked = `${maintenance.flagFile}.not`
    await writeFile(parked, '')
    try {
      ;(await client.get('/')).assertStatus(200)
      const { rename } = await import('node:fs/promises')
      await rename(parked, maintenance.flagFile)
      ;(await client.get('/')).assertStatus(503)
    } finally {
      await rm(parked, { force: true })
    }
  })

  test('"node ace down" creates the flag and "node ace up" removes it', async ({
    client,
    assert,
  }) => {
    const down = await runAce(['down', '--reason', 'database upgrade'])
    assert.equal(down.code, 0, down.stderr)
    assert.isTrue(existsSync(maintenance.flagFile))
    ;(await client.get('/')).assertStatus(503)

    const up = await runAce(['up'])
    assert.equal(up.code, 0, up.stderr)
    assert.isFalse(existsSync(maintenance.flagFile))
    ;(await client.get('/')).assertStatus(200)
  }).timeout(60_000)
})
