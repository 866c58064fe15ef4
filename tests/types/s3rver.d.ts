/**
 * The parts of s3rver (a local S3-compatible server, no bundled types)
 * the document tests use.
 */
declare module 's3rver' {
  import type { Server } from 'node:http'
  import type { AddressInfo } from 'node:net'

  export default class S3rver {
    constructor(options: {
      port: number
      address: string
      silent?: boolean
      directory: string
      configureBuckets?: { name: string }[]
    })
    httpServer?: Server
    run(): Promise<AddressInfo>
    close(): Promise<void>
  }
}
