import { test } from '@japa/runner'
import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { outboundNodeAgent, setOutboundResolver } from '#services/http/outbound_dispatcher'

/**
 * The outbound policy for clients built on node:http (typed-rest-client
 * under azure-devops-node-api): the agent's sockets go only to checked
 * addresses, a literal one as it is and a host name through the pinned
 * lookup.
 */
async function listen() {
  let hits = 0
  const server: Server = createServer((_request, response) => {
    hits++
    response.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function fetchWith(url: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    get(url, { agent: outboundNodeAgent('http:') }, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    }).on('error', reject)
  })
}

test.group('Outbound policy | node:http agent', (group) => {
  let saved: string | undefined
  group.each.setup(() => {
    saved = process.env.OUTBOUND_ALLOWED_HOSTS
    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    return () => {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved
      setOutboundResolver(null)
    }
  })

  test('a literal loopback address is refused before connecting', async ({ assert }) => {
    const internal = await listen()
    await assert.rejects(
      () => fetchWith(`http://127.0.0.1:${internal.port}/`),
      'refused by the outbound policy: 127.0.0.1 is a loopback address'
    )
    await internal.close()
    assert.equal(internal.hits(), 0)
  })

  test('a host name resolving to loopback is refused', async ({ assert }) => {
    const internal = await listen()
    setOutboundResolver(async () => [{ address: '127.0.0.1', family: 4 }])
    await assert.rejects(
      () => fetchWith(`http://tfs.sextant.test:${internal.port}/`),
      /tfs\.sextant\.test resolves to 127\.0\.0\.1, which is a loopback address/
    )
    await internal.close()
    assert.equal(internal.hits(), 0)
  })

  test('an allowed address connects, to the address the resolver gave', async ({ assert }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1'
    const internal = await listen()
    setOutboundResolver(async () => [{ address: '127.0.0.1', family: 4 }])
    const answer = await fetchWith(`http://pinned.sextant.test:${internal.port}/`)
    await internal.close()
    assert.deepEqual(answer, { status: 200, body: 'ok' })
    assert.equal(internal.hits(), 1)
  })
})
