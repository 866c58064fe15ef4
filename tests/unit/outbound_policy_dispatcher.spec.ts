import { test } from '@japa/runner'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request as undiciRequest } from 'undici'
import { HttpClient } from '#services/http/client'
import {
  checkOutboundUrl,
  outboundDispatcher,
  outboundFetch,
  setOutboundResolver,
  type ResolvedAddress,
} from '#services/http/outbound_dispatcher'
import { OutboundRequestRefused } from '#services/http/outbound_policy'

/**
 * The outbound policy applied to real connections: listeners on
 * loopback stand for the internal services a user-typed URL must not
 * reach, and an injected resolver makes test host names resolve to them.
 */
type Listener = {
  url: string
  port: number
  requests: Array<{ path: string; headers: IncomingHttpHeaders; body: string }>
  close(): Promise<void>
}

async function listen(
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string },
  host = '127.0.0.1'
): Promise<Listener> {
  const requests: Listener['requests'] = []
  const server: Server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    requests.push({ path: request.url ?? '/', headers: request.headers, body })
    const reply = answer(request.url ?? '/')
    response.writeHead(reply.status, reply.headers ?? { 'content-type': 'application/json' })
    response.end(reply.body ?? '{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const ok = () => ({ status: 200 })

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

function resolvingTo(table: Record<string, string[]>, calls: string[] = []) {
  return async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname)
    return (table[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }))
  }
}

test.group('Outbound dispatcher | addresses', (group) => {
  let saved: string | undefined
  group.each.setup(() => {
    saved = process.env.OUTBOUND_ALLOWED_HOSTS
    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    return () => {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved
      setOutboundResolver(null)
    }
  })

  test('a loopback URL is refused and nothing reaches the listener', async ({ assert }) => {
    const internal = await listen(ok)
    const error = await rejection(outboundFetch(`${internal.url}/v1/models`))
    await internal.close()

    assert.instanceOf(error, OutboundRequestRefused)
    assert.equal(error.message, 'refused by the outbound policy: 127.0.0.1 is a loopback address')
    assert.lengthOf(internal.requests, 0)
  })

  test('the dispatcher itself refuses a literal address, whoever calls it', async ({ assert }) => {
    const internal = await listen(ok)
    const error = await rejection(
      undiciRequest(`${internal.url}/`, { dispatcher: outboundDispatcher() })
    )
    await internal.close()

    assert.instanceOf(error, OutboundRequestRefused)
    assert.lengthOf(internal.requests, 0)
  })

  test('an IPv6 loopback URL is refused too', async ({ assert }) => {
    const internal = await listen(ok, '::1')
    const error = await rejection(outboundFetch(`${internal.url}/`))
    await internal.close()

    assert.match(error.message, /::1 is a loopback address/)
    assert.lengthOf(internal.requests, 0)
  })

  test('the cloud metadata address is refused before any connection', async ({ assert }) => {
    const error = await rejection(outboundFetch('http://169.254.169.254/latest/meta-data/'))
    assert.match(error.message, /169\.254\.169\.254 is a link-local address/)
  })

  test('with the address allowed, the same call goes through', async ({ assert }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1'
    const internal = await listen(ok)
    const response = await outboundFetch(`${internal.url}/v1/models`)
    await internal.close()

    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { ok: true })
    assert.lengthOf(internal.requests, 1)
  })

  test('a host name resolving to loopback is refused', async ({ assert }) => {
    const internal = await listen(ok)
    setOutboundResolver(resolvingTo({ 'models.sextant.test': ['127.0.0.1'] }))
    const error = await rejection(outboundFetch(`http://models.sextant.test:${internal.port}/`))
    await internal.close()

    assert.equal(
      error.message,
      'refused by the outbound policy: models.sextant.test resolves to 127.0.0.1, which is a loopback address'
    )
    assert.lengthOf(internal.requests, 0)
  })

  test('a host name with one public and one private address is refused', async ({ assert }) => {
    setOutboundResolver(resolvingTo({ 'mixed.sextant.test': ['93.184.215.14', '10.0.0.5'] }))
    const error = await rejection(outboundFetch('http://mixed.sextant.test/'))
    assert.match(error.message, /resolves to 10\.0\.0\.5, which is a private address/)
  })

  test('the name is resolved once and the socket connects to the address checked', async ({
    assert,
  }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1'
    const internal = await listen(ok)
    const calls: string[] = []
    // The system DNS knows nothing of this name: only the checked answer can be used.
    setOutboundResolver(resolvingTo({ 'pinned.sextant.test': ['127.0.0.1'] }, calls))
    const response = await outboundFetch(`http://pinned.sextant.test:${internal.port}/`)
    await internal.close()

    assert.equal(response.status, 200)
    assert.deepEqual(calls, ['pinned.sextant.test'])
    assert.equal(internal.requests[0].headers.host, `pinned.sextant.test:${internal.port}`)
  })

  test('checkOutboundUrl refuses what resolves inside and accepts what does not resolve yet', async ({
    assert,
  }) => {
    setOutboundResolver(resolvingTo({ 'inside.sextant.test': ['192.168.1.4'] }))
    const refused = await rejection(checkOutboundUrl('https://inside.sextant.test/v1'))
    assert.match(refused.message, /192\.168\.1\.4, which is a private address/)
    const later = await checkOutboundUrl('https://not-yet.sextant.test/v1')
    assert.equal(later.hostname, 'not-yet.sextant.test')
  })
})

test.group('Outbound dispatcher | redirects', (group) => {
  let saved: string | undefined
  group.each.setup(() => {
    saved = process.env.OUTBOUND_ALLOWED_HOSTS
    // The redirecting server stands for a public host: its name is allowed, loopback is not.
    process.env.OUTBOUND_ALLOWED_HOSTS = 'public.sextant.test'
    setOutboundResolver(resolvingTo({ 'public.sextant.test': ['127.0.0.1'] }))
    return () => {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved
      setOutboundResolver(null)
    }
  })

  test('a public URL that redirects to loopback is refused at the hop', async ({ assert }) => {
    const internal = await listen(ok)
    const front = await listen(() => ({
      status: 302,
      headers: { location: `${internal.url}/secrets` },
    }))
    const error = await rejection(outboundFetch(`http://public.sextant.test:${front.port}/`))
    await Promise.all([internal.close(), front.close()])

    assert.match(error.message, /127\.0\.0\.1 is a loopback address/)
    assert.lengthOf(front.requests, 1)
    assert.lengthOf(internal.requests, 0)
  })

  test('three redirects are followed, a fourth is refused', async ({ assert }) => {
    const chain = await listen((path) => {
      const step = Number(path.slice(1) || 0)
      return step >= 10 ? ok() : { status: 307, headers: { location: `/${step + 1}` } }
    })
    const base = `http://public.sextant.test:${chain.port}`
    const third = await outboundFetch(`${base}/7`, { method: 'POST', body: '{"a":1}' })
    const fourth = await rejection(outboundFetch(`${base}/6`))
    await chain.close()

    assert.equal(third.status, 200)
    assert.equal(chain.requests[3].body, '{"a":1}')
    assert.equal(fourth.message, 'refused by the outbound policy: more than 3 redirects')
  })

  test('credentials are not sent on to another origin', async ({ assert }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = 'public.sextant.test,127.0.0.1'
    const other = await listen(ok)
    const front = await listen(() => ({ status: 302, headers: { location: `${other.url}/next` } }))
    await outboundFetch(`http://public.sextant.test:${front.port}/`, {
      headers: { authorization: 'Bearer sk-not-for-them' },
    })
    await Promise.all([other.close(), front.close()])

    assert.equal(front.requests[0].headers.authorization, 'Bearer sk-not-for-them')
    assert.isUndefined(other.requests[0].headers.authorization)
  })
})

test.group('Outbound dispatcher | bodies and the HTTP client', (group) => {
  let saved: string | undefined
  group.each.setup(() => {
    saved = process.env.OUTBOUND_ALLOWED_HOSTS
    return () => {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved
    }
  })

  test('a form (the global FormData) arrives as multipart', async ({ assert }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1'
    const server = await listen(ok)
    const form = new FormData()
    form.append('model', 'whisper-1')
    form.append('file', new Blob(['RIFF-bytes']), 'audio.wav')
    await outboundFetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form })
    await server.close()

    const [received] = server.requests
    assert.match(String(received.headers['content-type']), /^multipart\/form-data; boundary=/)
    assert.include(received.body, 'whisper-1')
    assert.include(received.body, 'RIFF-bytes')
  })

  test('a client for a user-typed URL is refused; the operator’s own URL is trusted', async ({
    assert,
  }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = ''
    const server = await listen(ok)
    const typed = new HttpClient({ baseUrl: server.url, enforceOutboundPolicy: true })
    const operator = new HttpClient({ baseUrl: server.url })

    const refused = await rejection(typed.get('/user'))
    const trusted = await operator.get('/user')
    await server.close()

    assert.instanceOf(refused, OutboundRequestRefused)
    assert.equal(typed.stats.retries, 0)
    assert.equal(trusted.status, 200)
    assert.lengthOf(server.requests, 1)
  })

  test('a download for a user-typed URL is refused at a redirect to loopback', async ({
    assert,
  }) => {
    process.env.OUTBOUND_ALLOWED_HOSTS = 'public.sextant.test'
    setOutboundResolver(resolvingTo({ 'public.sextant.test': ['127.0.0.1'] }))
    const internal = await listen(ok)
    const front = await listen(() => ({ status: 302, headers: { location: `${internal.url}/` } }))
    const typed = new HttpClient({
      baseUrl: `http://public.sextant.test:${front.port}`,
      enforceOutboundPolicy: true,
    })
    const error = await rejection(typed.download('/archive.tar.gz'))
    await Promise.all([internal.close(), front.close()])
    setOutboundResolver(null)

    assert.instanceOf(error, OutboundRequestRefused)
    assert.lengthOf(internal.requests, 0)
  })
})
