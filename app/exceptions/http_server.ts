import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * The Node HTTP server of the app (bin/server.ts and the test server),
 * with Node's own plain 431 replaced by the app's answer. Kept free of
 * app imports: it is created before the app has booted.
 */
export function createHttpServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void
) {
  const httpServer = createServer(handler)
  httpServer.on('clientError', (error: Error, socket: Socket) => {
    void import('#exceptions/outside_pipeline').then(({ answerClientError }) =>
      answerClientError(error, socket)
    )
  })
  return httpServer
}
