import { test } from '@japa/runner'
import { metricsEnabled, tracesEnabled, tracesProtocol } from '#services/telemetry/settings'
import { REDACTED, redactAttribute } from '#services/telemetry/redaction'

test.group('Telemetry | when it is on', () => {
  test('off with no OTLP endpoint, whatever else is set', ({ assert }) => {
    assert.isFalse(tracesEnabled({}))
    assert.isFalse(metricsEnabled({}))
    assert.isFalse(
      tracesEnabled({ OTEL_SERVICE_NAME: 'sextant', OTEL_TRACES_SAMPLER: 'always_on' })
    )
  })

  test('on with an endpoint; OTEL_SDK_DISABLED and "none" exporters turn parts off', ({
    assert,
  }) => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }
    assert.isTrue(tracesEnabled(endpoint))
    assert.isTrue(metricsEnabled(endpoint))
    assert.isFalse(tracesEnabled({ ...endpoint, OTEL_SDK_DISABLED: 'true' }))
    assert.isFalse(tracesEnabled({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }))
    assert.isFalse(metricsEnabled({ ...endpoint, OTEL_METRICS_EXPORTER: 'none' }))
    assert.isTrue(tracesEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }))
  })

  test('the protocol is http/protobuf unless one is named', ({ assert }) => {
    assert.equal(tracesProtocol({}), 'http/protobuf')
    assert.equal(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), 'grpc')
    assert.equal(
      tracesProtocol({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }),
      'http/json'
    )
  })
})

test.group('Telemetry | redaction of span attributes', () => {
  test('credentials by name are blanked whatever their value', ({ assert }) => {
    for (const name of [
      'http.request.header.authorization',
      'http.request.header.cookie',
      'http.response.header.set-cookie',
      'github.token',
      'user.password',
      'x-api-key',
      'user.email',
    ]) {
      assert.equal(redactAttribute(name, 'value-1'), REDACTED, name)
    }
  })

  test('an Authorization-shaped value is blanked under any name', ({ assert }) => {
    assert.equal(redactAttribute('custom.header', 'Bearer abc.def'), REDACTED)
    assert.deepEqual(redactAttribute('custom.header', ['Basic dXNlcjpwYXNz']), [REDACTED])
  })

  test('query-string values and user info in URLs are blanked, names and paths stay', ({
    assert,
  }) => {
    assert.equal(
      redactAttribute('url.full', 'https://user:pw@api.example.com/repos?page=2&access_token=t1#x'),
      `https://${REDACTED}@api.example.com/repos?page=${REDACTED}&access_token=${REDACTED}`
    )
    assert.equal(redactAttribute('url.query', 'token=t1&flag'), `token=${REDACTED}&flag`)
    assert.equal(redactAttribute('url.path', '/insights'), '/insights')
  })

  test('SQL text keeps its placeholders', ({ assert }) => {
    const sql = 'select * from "users" where "id" = ? limit ?'
    assert.equal(redactAttribute('db.query.text', sql), sql)
    assert.equal(redactAttribute('db.statement', sql), sql)
  })
})
