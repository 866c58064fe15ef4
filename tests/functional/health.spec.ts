import { test } from '@japa/runner'

test.group('Health probes', () => {
  test('liveness answers 200 JSON without a session cookie', async ({ client, assert }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
    response.assertBodyContains({ status: 'ok' })
    assert.include(response.header('content-type'), 'application/json')
    assert.isUndefined(response.header('set-cookie'))
  })

  test('readiness reports the database as healthy', async ({ client, assert }) => {
    const response = await client.get('/health/ready')
    response.assertStatus(200)
    const body = response.body()
    assert.isTrue(body.isHealthy)
    const names = body.checks.map((check: { name: string }) => check.name)
    assert.isTrue(
      names.some((name: string) => name.startsWith('Database health check')),
      names.join(', ')
    )
    assert.equal(body.checks[0].status, 'ok')
  })
})
