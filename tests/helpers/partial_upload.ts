import { request as httpRequest } from 'node:http'

export const MULTIPART_BOUNDARY = '----sextant-upload-test'
export const DECLARED_UPLOAD_BYTES = 30 * 1024 * 1024

export type PartialUploadAnswer = { status: number; bytesSent: number; closed: boolean }

/**
 * Starts a 30 MB upload to `path` but sends only `firstChunk`, then waits:
 * resolves with the status the server answers while the client is still
 * "uploading", how many body bytes were sent by then, and whether the
 * server then closed the connection. Rejects when no answer comes, which
 * is what happens when the server waits for the rest of the body.
 */
export function startPartialUpload(options: {
  path: string
  firstChunk: Buffer
  headers?: Record<string, string>
}) {
  const { path, firstChunk, headers = {} } = options
  return new Promise<PartialUploadAnswer>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('no answer while the body was still being sent')),
      10_000
    )
    const request = httpRequest(
      {
        host: process.env.HOST,
        port: Number(process.env.PORT),
        method: 'POST',
        path,
        headers: {
          'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
          'content-length': String(DECLARED_UPLOAD_BYTES),
          ...headers,
        },
      },
      (response) => {
        clearTimeout(timer)
        response.resume()
        const closed = new Promise<boolean>((done) => {
          request.socket?.once('close', () => done(true))
          setTimeout(() => done(false), 5_000)
        })
        closed.then((wasClosed) =>
          resolve({ status: response.statusCode!, bytesSent: firstChunk.length, closed: wasClosed })
        )
      }
    )
    // the server may cut the connection: the answer is what matters
    request.on('error', () => {})
    request.write(firstChunk)
  })
}
