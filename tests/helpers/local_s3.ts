import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import S3rver from 's3rver'

/**
 * A local S3-compatible server (s3rver) speaking the S3 wire protocol to
 * the real AWS SDK, keeping its objects in a temporary folder. One serves
 * the whole run: the s3 disk's client is configured with its endpoint at
 * boot (config/drive.ts), so the runner starts it on a port the OS picks
 * before the application boots (tests/helpers/loopback_services.ts).
 * A test may stop it (an outage) and start it again: it comes back on the
 * same port with the same objects.
 */
class LocalS3 {
  #server: S3rver | null = null
  #directory: string | null = null
  #port = 0

  get port() {
    return this.#port
  }

  get httpServer() {
    return this.#server?.httpServer ?? null
  }

  /** starts it unless it is running; the first start picks the port */
  async start(buckets: string[] = []) {
    if (this.#server) return this.#port
    this.#directory ??= await mkdtemp(join(tmpdir(), 'sextant-s3-'))
    const server = new S3rver({
      port: this.#port,
      address: '127.0.0.1',
      silent: true,
      directory: this.#directory,
      configureBuckets: buckets.map((name) => ({ name })),
    })
    await server.run()
    this.#server = server
    this.#port = (server.httpServer!.address() as AddressInfo).port
    return this.#port
  }

  async stop() {
    const server = this.#server
    this.#server = null
    if (!server) return
    server.httpServer?.closeAllConnections()
    await server.close()
  }

  /** the end of the run: stops it and deletes its objects */
  async dispose() {
    await this.stop()
    if (this.#directory) await rm(this.#directory, { recursive: true, force: true })
    this.#directory = null
  }
}

export const localS3 = new LocalS3()
