import { test } from '@japa/runner'
import { Writable } from 'node:stream'
import { Logger } from '@adonisjs/core/logger'
import { redactedPaths } from '#config/logger'

/**
 * A logger built with the application's redaction paths, writing to
 * memory so the test reads exactly what would reach the log.
 */
function captureLogger() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString())
      callback()
    },
  })
  const logger = new Logger({
    enabled: true,
    name: 'sextant-test',
    level: 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    destination: destination as any,
  })
  return { logger, output: () => lines.join('') }
}

test.group('Log redaction', () => {
  test('secrets logged by mistake never reach the output', ({ assert }) => {
    const { logger, output } = captureLogger()
    logger.info(
      {
        password: 'Hunter2-Hunter2',
        token: 'sxt_live_token_value',
        connection: {
          credentials: { apiKey: 'snyk-key-123' },
          accessToken: 'gh-token-abc',
          refreshToken: 'rt-xyz',
        },
        headers: { authorization: 'Bearer sxt_header_token', cookie: 'sextant-session=abc' },
      },
      'something happened'
    )
    const text = output()
    for (const secret of [
      'Hunter2-Hunter2',
      'sxt_live_token_value',
      'snyk-key-123',
      'gh-token-abc',
      'rt-xyz',
      'sxt_header_token',
      'sextant-session=abc',
    ]) {
      assert.notInclude(text, secret)
    }
    assert.include(text, 'something happened')
    assert.include(text, '[redacted]')
  })
})
