import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  HttpClient,
  type ConnectionHandle,
  type RepositoryInput,
  type SyncContext,
  type WebhookRequest,
} from '#plugin-sdk'
import plugin from '../plugin.js'
import type { DevxProbeAd05e5Repository } from '../client.js'
import { syncRepositories } from '../sync/repositories.js'
import { WEBHOOK_HEADERS, WEBHOOK_SECRET_VARIABLE } from '../webhooks.js'

/*
| Run with: node ace test plugins --files plugins/devx-probe-ad05e5/tests/plugin.spec.ts
*/

const TOKEN = 'test-token-0123456789'
const PAGE_SIZE = 2

test.group('Devx Probe Ad05e5 plugin | definition', () => {
  test('is named after its folder and asks for a secret token', async ({ assert }) => {
    const folder = basename(fileURLToPath(new URL('..', import.meta.url)))
    assert.equal(plugin.id, folder)
    const token = plugin.connection.fields.find((field) => field.name === 'token')
    assert.isTrue(token?.secret)
    assert.deepEqual(
      plugin.sync.map((task) => task.name),
      ['repositories']
    )
  })

  test('the connect form requires a token', async ({ assert }) => {
    await assert.rejects(() => plugin.connection.validator.validate({}))
    const accepted = await plugin.connection.validator.validate({ token: `  ${TOKEN}  ` })
    assert.deepEqual(accepted, { token: TOKEN })
  })
})

test.group('Devx Probe Ad05e5 plugin | webhooks', (group) => {
  const secret = 'webhook-secret-for-tests'
  group.each.setup(() => {
    const previous = process.env[WEBHOOK_SECRET_VARIABLE]
    process.env[WEBHOOK_SECRET_VARIABLE] = secret
    return () => {
      if (previous === undefined) delete process.env[WEBHOOK_SECRET_VARIABLE]
      else process.env[WEBHOOK_SECRET_VARIABLE] = previous
    }
  })

  const body = Buffer.from(JSON.stringify({ action: 'updated', repository: { id: 7 } }))
  const helpers = { connectionsFor: async () => [] }
  const delivery = (signature: string): WebhookRequest => ({
    method: 'POST',
    url: '/api/webhooks/devx-probe-ad05e5',
    query: {},
    contentType: 'application/json',
    connection: null,
    headers: {
      [WEBHOOK_HEADERS.signature]: signature,
      [WEBHOOK_HEADERS.delivery]: 'delivery-1',
      [WEBHOOK_HEADERS.event]: 'repository',
    },
    rawBody: body,
    body: JSON.parse(body.toString()),
  })

  test('accepts a body signed with the secret', async ({ assert }) => {
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
    const verdict = await plugin.webhooks.verify(delivery(signature), helpers)
    assert.deepInclude(verdict, {
      ok: true,
      deliveryId: 'delivery-1',
      event: 'repository',
      action: 'updated',
    })
  })

  test('refuses a bad signature', async ({ assert }) => {
    const forged = `sha256=${createHmac('sha256', 'another-secret').update(body).digest('hex')}`
    const verdict = await plugin.webhooks.verify(delivery(forged), helpers)
    assert.deepInclude(verdict, { ok: false, status: 401 })
  })
})

test.group('Devx Probe Ad05e5 plugin | sync', () => {
  test('a second run stops at the cursor', async ({ assert, cleanup }) => {
    const repositories = [4, 3, 2, 1].map(repository)
    const api = await startFakeApi(() => repositories)
    cleanup(() => api.close())
    const cursors = new Map<string, string>()

    const firstRun = await runSync(api.baseUrl, cursors)
    assert.deepEqual(firstRun, ['4', '3', '2', '1'])
    assert.equal(cursors.get('repositories'), repository(4).updated_at)

    repositories.unshift(repository(5))
    api.pagesRequested.length = 0
    const secondRun = await runSync(api.baseUrl, cursors)
    // 4 again: it was updated in the cursor's own second.
    assert.deepEqual(secondRun, ['5', '4'])
    assert.deepEqual(api.pagesRequested, [1, 2])
    assert.equal(cursors.get('repositories'), repository(5).updated_at)
  })
})

function repository(day: number): DevxProbeAd05e5Repository {
  return {
    id: day,
    name: `repository-${day}`,
    full_name: `team/repository-${day}`,
    html_url: null,
    default_branch: 'main',
    private: true,
    archived: false,
    language: 'TypeScript',
    updated_at: `2025-01-0${day}T10:00:00Z`,
  }
}

/**
 * Runs the task with the members of SyncContext it uses, authenticated
 * the way the platform does it (the plugin's requestHeaders); the ids it
 * wrote are returned.
 */
async function runSync(baseUrl: string, cursors: Map<string, string>) {
  const written: RepositoryInput[] = []
  const connection = { credentials: { token: TOKEN } } as unknown as ConnectionHandle
  const headers = await plugin.connection.requestHeaders(connection)
  const context = {
    connection,
    http: new HttpClient({ baseUrl, headers, retries: { attempts: 1 } }),
    store: {
      async upsertRepositories(rows: RepositoryInput[]) {
        written.push(...rows)
        return rows.length
      },
    },
    cursors: {
      async get(scope: string) {
        return cursors.get(scope) ?? null
      },
      async set(scope: string, value: string) {
        cursors.set(scope, value)
      },
    },
    full: false,
    signal: new AbortController().signal,
    async progress() {},
  }
  await syncRepositories(context as unknown as SyncContext)
  return written.map((row) => row.externalId)
}

/**
 * A stand-in for the Devx Probe Ad05e5 API: repositories newest first, PAGE_SIZE
 * per page, linked with Link headers, behind the bearer token.
 */
async function startFakeApi(list: () => DevxProbeAd05e5Repository[]) {
  const pagesRequested: number[] = []
  const server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end('{}')
      return
    }
    const url = new URL(request.url ?? '/', 'http://localhost')
    const page = Number(url.searchParams.get('page') ?? '1')
    pagesRequested.push(page)
    const all = list()
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (page * PAGE_SIZE < all.length) {
      headers.link = `<${baseUrl}/repositories?page=${page + 1}>; rel="next"`
    }
    const items = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    response.writeHead(200, headers).end(JSON.stringify(items))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    baseUrl,
    pagesRequested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
