import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { Agent, fetch } from 'undici'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { processQueueUntil } from '#tests/helpers/queue'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#tests/helpers/env'
import { startAce } from '#tests/helpers/processes'
import { waitFor } from '#tests/helpers/wait'
import { publicIds } from '#services/public_id'
import ProcessWebhookJob from '#jobs/process_webhook_job'
import ProcessWebhookDelivery from '#actions/webhooks/process_webhook_delivery'
import RetryDelivery from '#actions/webhooks/retry_delivery'

/**
 * Webhook deliveries for the fixture plugin: signed like GitHub's
 * (X-Fixture-Signature: sha256=HMAC of the raw body), identified by
 * X-Fixture-Delivery, received at /api/webhooks/fixture.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const SECRET = process.env.FIXTURE_WEBHOOK_SECRET!

function delivery(
  id: string,
  options: {
    badSignature?: boolean
    path?: string
    event?: string
    headers?: Record<string, string>
    dispatcher?: Agent
  } = {}
) {
  const body = JSON.stringify({
    action: 'updated',
    account: 'acme',
    item: { id: `item-${id}`, title: 'x' },
  })
  const signature = createHmac('sha256', options.badSignature ? 'wrong-secret' : SECRET)
    .update(body)
    .digest('hex')
  return fetch(`${BASE}${options.path ?? '/api/webhooks/fixture'}`, {
    dispatcher: options.dispatcher,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature}`,
      'x-fixture-delivery': id,
      'x-fixture-event': options.event ?? 'item',
      ...options.headers,
    },
    body,
  })
}

function processQueue(until: () => Promise<boolean>, timeoutMs = 60_000) {
  return processQueueUntil(until, { timeoutMs, concurrency: 10 })
}

/** jobs the database queue has not finished (pending, delayed or being worked on) */
async function unfinishedJobs() {
  const [{ total }] = await db
    .from('queue_jobs')
    .whereIn('status', ['pending', 'active', 'delayed'])
    .count('* as total')
  return Number(total)
}

async function count(table: string, where: Record<string, unknown> = {}) {
  const [{ total }] = await db.from(table).where(where).count('* as total')
  return Number(total)
}

test.group('Webhooks', (group) => {
  group.each.setup(resetDatabase())

  test('a verified delivery is stored, acknowledged 202 and processed once', async ({ assert }) => {
    const organization = await createOrganization()
    const connection = await createConnection(organization)

    const response = await delivery('d-1')
    assert.equal(response.status, 202)
    assert.deepEqual(await response.json(), { status: 'accepted', delivery: 'd-1' })

    const stored = await db.from('webhook_deliveries').where('delivery_id', 'd-1').firstOrFail()
    assert.equal(stored.status, 'pending')
    assert.equal(stored.connection_id, connection.id)
    assert.equal(stored.organization_id, organization.id)

    await processQueue(
      async () => (await count('webhook_deliveries', { status: 'processed' })) === 1
    )
    const effects = await db
      .from('fixture_webhook_effects')
      .select('delivery_id', 'connection_public_id')
    assert.deepEqual(effects, [{ delivery_id: 'd-1', connection_public_id: connection.publicId }])
  })

  test('a stored delivery keeps its raw body and diagnostic headers, never credentials', async ({
    assert,
  }) => {
    const credentials = {
      'authorization': 'Bearer stolen-token',
      'cookie': 'session=stolen',
      'x-api-key': 'stolen-key',
      'proxy-authorization': 'Basic c3RvbGVu',
    }
    assert.equal((await delivery('d-headers', { headers: credentials })).status, 202)

    const stored = await db
      .from('webhook_deliveries')
      .where('delivery_id', 'd-headers')
      .firstOrFail()
    const headers = JSON.parse(stored.headers)
    for (const name of Object.keys(credentials)) assert.notProperty(headers, name)
    assert.notInclude(stored.headers, 'stolen')
    assert.equal(headers['x-fixture-delivery'], 'd-headers')
    assert.match(headers['x-fixture-signature'], /^sha256=[0-9a-f]{64}$/)
    assert.equal(headers['content-type'], 'application/json')
    assert.equal(stored.event, 'item')
    assert.equal(stored.action, 'updated')
    assert.equal(stored.attempts, 0)
    assert.deepEqual(JSON.parse(stored.payload), {
      action: 'updated',
      account: 'acme',
      item: { id: 'item-d-headers', title: 'x' },
    })
  })

  test('an event no handler wants is marked processed and takes no effect', async ({ assert }) => {
    await createConnection(await createOrganization())
    assert.equal((await delivery('d-ignored', { event: 'something-else' })).status, 202)
    await processQueue(
      async () => (await count('webhook_deliveries', { status: 'processed' })) === 1
    )
    const row = await db.from('webhook_deliveries').where('delivery_id', 'd-ignored').firstOrFail()
    assert.equal(row.attempts, 1)
    assert.isNull(row.last_error)
    assert.isNotNull(row.processed_at)
    assert.equal(await count('fixture_webhook_effects'), 0)
  })

  test('an invalid signature is refused with 401 and nothing is stored', async ({ assert }) => {
    const response = await delivery('d-bad', { badSignature: true })
    assert.equal(response.status, 401)
    assert.equal(await count('webhook_deliveries'), 0)
  })

  test('a repeated delivery id is acknowledged but stored once', async ({ assert }) => {
    await delivery('d-2')
    const again = await delivery('d-2')
    assert.equal(again.status, 202)
    assert.deepEqual(await again.json(), { status: 'duplicate', delivery: 'd-2' })
    assert.equal(await count('webhook_deliveries'), 1)
  })

  test('a malformed body is refused with 400', async ({ assert }) => {
    const response = await fetch(`${BASE}/api/webhooks/fixture`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fixture-delivery': 'd-3' },
      body: '{"not json',
    })
    assert.equal(response.status, 400)
    assert.equal(await count('webhook_deliveries'), 0)
  })

  test('an oversize body is refused with 413', async ({ assert }) => {
    const response = await fetch(`${BASE}/api/webhooks/fixture`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(26 * 1024 * 1024) }),
    })
    assert.equal(response.status, 413)
    assert.equal(await count('webhook_deliveries'), 0)
  })

  test('an unknown plugin answers 404', async ({ assert }) => {
    const response = await delivery('d-4', { path: '/api/webhooks/nope' })
    assert.equal(response.status, 404)
  })

  test('the legacy path receives the same deliveries', async ({ assert }) => {
    const response = await delivery('d-5', { path: '/api/webhook-fixture/' })
    assert.equal(response.status, 202)
    assert.equal(await count('webhook_deliveries', { delivery_id: 'd-5' }), 1)
  })

  test('a failing handler is retried, then left failed', async ({ assert }) => {
    const restore = withEnv({ FIXTURE_WEBHOOK_FAILING: 'true' })
    try {
      await delivery('d-6')
      await processQueue(async () => {
        const row = await db.from('webhook_deliveries').where('delivery_id', 'd-6').first()
        return row?.status === 'failed' && row.attempts === 4
      })
    } finally {
      restore()
    }
    const row = await db.from('webhook_deliveries').where('delivery_id', 'd-6').firstOrFail()
    assert.equal(row.last_error, 'the fixture handler is failing on purpose')
    assert.equal(await count('fixture_webhook_effects'), 0)
  })

  test('a superuser sees a failed delivery and retries it', async ({ assert }) => {
    await createConnection(await createOrganization())
    const restore = withEnv({ FIXTURE_WEBHOOK_FAILING: 'true' })
    try {
      await delivery('d-7')
      await processQueue(async () => {
        const row = await db.from('webhook_deliveries').where('delivery_id', 'd-7').first()
        return row?.status === 'failed' && row.attempts === 4
      })
    } finally {
      restore()
    }
    const admin = await createAccount({ role: 'owner', superuser: true })
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)

    const page = await web.get('/admin-test/webhooks')
    assert.include(page.text, 'd-7')
    assert.include(page.text, 'the fixture handler is failing on purpose')
    const retryPath = /action="(\/admin-test\/webhooks\/[^"]+\/retry)"/.exec(page.text)?.[1]
    assert.exists(retryPath)

    const retried = await web.post(retryPath!)
    assert.equal(retried.location, '/admin-test/webhooks')
    await processQueue(
      async () => (await count('webhook_deliveries', { status: 'processed' })) === 1
    )
    assert.equal(await count('fixture_webhook_effects', { delivery_id: 'd-7' }), 1)
  })

  test('retrying a delivery that does not exist answers 404, like the other admin routes', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    await web.get('/admin-test/webhooks')
    const invalid = await web.post('/admin-test/webhooks/not-an-id/retry')
    assert.equal(invalid.status, 404)
    const unknown = await web.post(
      `/admin-test/webhooks/${publicIds('webhook_delivery').encode(987654)}/retry`
    )
    assert.equal(unknown.status, 404)
  })

  test('one delivery dispatched three times and raced by two worker processes takes effect once', async ({
    assert,
  }) => {
    await createConnection(await createOrganization())
    assert.equal((await delivery('d-race')).status, 202)
    const row = await db.from('webhook_deliveries').where('delivery_id', 'd-race').firstOrFail()
    // The job a lost acknowledgement makes the queue hand out again, twice.
    await ProcessWebhookJob.dispatch({ deliveryRowId: row.id })
    await ProcessWebhookJob.dispatch({ deliveryRowId: row.id })
    assert.equal(await unfinishedJobs(), 3)

    const workers = [startAce(['queue:work'], {}), startAce(['queue:work'], {})]
    try {
      await waitFor(async () => (await unfinishedJobs()) === 0, {
        timeoutMs: 60_000,
        what: 'the two workers to take all three jobs',
      })
    } finally {
      for (const worker of workers) await worker.stop()
    }

    const after = await db.from('webhook_deliveries').where('id', row.id).firstOrFail()
    assert.equal(after.status, 'processed', workers.map((w) => w.output()).join('\n'))
    assert.equal(after.attempts, 1, 'claimed once')
    assert.equal(await count('fixture_webhook_effects', { delivery_id: 'd-race' }), 1)
  }).timeout(120_000)

  test('a retry of a delivery that already succeeded takes no second effect', async ({
    assert,
  }) => {
    await createConnection(await createOrganization())
    await delivery('d-done')
    await processQueue(
      async () => (await count('webhook_deliveries', { status: 'processed' })) === 1
    )
    const row = await db.from('webhook_deliveries').where('delivery_id', 'd-done').firstOrFail()

    // The admin's Retry is for failed deliveries only...
    await assert.rejects(
      () => new RetryDelivery().execute(publicIds('webhook_delivery').encode(row.id)),
      'Only a failed delivery can be retried'
    )
    // ...and an automatic retry arriving after the success finds nothing to claim.
    assert.equal(await new ProcessWebhookDelivery().execute(row.id), 'skipped')
    await ProcessWebhookJob.dispatch({ deliveryRowId: row.id })
    await processQueue(async () => (await unfinishedJobs()) === 0)

    const after = await db.from('webhook_deliveries').where('id', row.id).firstOrFail()
    assert.equal(after.status, 'processed')
    assert.equal(after.attempts, 1)
    assert.equal(await count('fixture_webhook_effects', { delivery_id: 'd-done' }), 1)
  })

  test('1,000 concurrent deliveries with 5% duplicates and 2% bad signatures: each good one processed exactly once', async ({
    assert,
    cleanup,
  }) => {
    await createConnection(await createOrganization())
    const requests: Array<{ id: string; bad: boolean }> = []
    for (let index = 0; index < 1000; index++) {
      // index % 20 === 19 is odd, never a multiple of 50, and repeats the
      // good delivery just before it: 50 duplicates (5%) and 20 bad (2%).
      if (index % 50 === 0) requests.push({ id: `bad-${index}`, bad: true })
      else if (index % 20 === 19) requests.push({ id: `good-${index - 1}`, bad: false })
      else requests.push({ id: `good-${index}`, bad: false })
    }
    const goodIds = new Set(requests.filter((request) => !request.bad).map((request) => request.id))
    const bad = requests.filter((request) => request.bad).length
    assert.equal(bad, 20)
    assert.equal(requests.length - bad - goodIds.size, 50, '5% duplicates')

    // All 1,000 are sent at once over at most 200 connections: the rest
    // queue in the client, not in the kernel's accept backlog (which
    // resets connections past its limit on a loaded machine).
    const dispatcher = new Agent({ connections: 200 })
    cleanup(() => dispatcher.close())
    const responses = await Promise.all(
      requests.map(async (request) => {
        const response = await delivery(request.id, { badSignature: request.bad, dispatcher })
        return {
          ...request,
          status: response.status,
          body: (await response.json()) as { status?: string },
        }
      })
    )

    assert.isTrue(responses.filter((r) => r.bad).every((r) => r.status === 401))
    assert.isTrue(responses.filter((r) => !r.bad).every((r) => r.status === 202))
    const accepted = responses.filter((r) => r.body.status === 'accepted').map((r) => r.id)
    assert.equal(accepted.length, goodIds.size)
    assert.equal(new Set(accepted).size, goodIds.size)
    assert.equal(await count('webhook_deliveries'), goodIds.size)

    await processQueue(
      async () => (await count('webhook_deliveries', { status: 'processed' })) === goodIds.size
    )
    const [{ total, deliveries }] = await db
      .from('fixture_webhook_effects')
      .select(db.raw('count(*) as total'), db.raw('count(distinct delivery_id) as deliveries'))
    assert.equal(Number(total), goodIds.size)
    assert.equal(Number(deliveries), goodIds.size)
  })
    .timeout(120_000)
    .tags(['@slow'])
})
