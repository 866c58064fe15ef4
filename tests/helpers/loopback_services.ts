import type appEnv from '#start/env'
import { startSmtpServer, stopSmtpServer } from '#tests/helpers/smtp'
import { localS3 } from '#tests/helpers/local_s3'

/**
 * Loopback servers whose address the application reads once, when its
 * config loads: the SMTP server (config/mail.ts) and S3 (config/drive.ts).
 * bin/test.ts starts them in a booting hook, after the environment is
 * read and before the config is, each on a port the OS picks, and writes
 * their addresses into the environment (env.set also sets process.env,
 * so processes a test spawns use the same servers). No fixed port: two
 * runs on one machine never collide.
 *
 * Servers a test configures at run time (the fake provider on
 * FIXTURE_API_URL, fake GitHub on GITHUB_API_URL) are started by the
 * tests themselves, also on port 0.
 */
export async function startLoopbackServices(env: typeof appEnv) {
  env.set('SMTP_PORT', await startSmtpServer())
  const bucket = env.get('AWS_S3_BUCKET')
  const s3Port = await localS3.start(bucket ? [bucket] : [])
  env.set('AWS_S3_ENDPOINT', `http://127.0.0.1:${s3Port}`)
}

export async function stopLoopbackServices() {
  await stopSmtpServer()
  await localS3.dispose()
}
