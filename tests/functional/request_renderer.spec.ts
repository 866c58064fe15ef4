import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import edge from 'edge.js'
import { resetDatabase } from '#tests/helpers/database'

/**
 * A template renderer is made only for a request that renders a template
 * (docs/performance.md, "Webhooks": building one for every request was
 * 8.7% of the webhook server's CPU), and a page's renderer still carries
 * the request and its authenticator.
 */
const BASE = `http://${process.env.HOST}:${process.env.PORT}`

/** the renderers made while `work` runs, with the keys shared with each */
async function renderersDuring(work: () => Promise<unknown>) {
  const made: string[][] = []
  const createRenderer = edge.createRenderer
  edge.createRenderer = function (this: typeof edge) {
    const renderer = createRenderer.call(this)
    const shared: string[] = []
    made.push(shared)
    const share = renderer.share.bind(renderer)
    renderer.share = (data: Record<string, any>) => {
      shared.push(...Object.keys(data))
      return share(data)
    }
    return renderer
  }
  try {
    await work()
  } finally {
    edge.createRenderer = createRenderer
  }
  return made
}

test.group('Template renderers', (group) => {
  group.each.setup(resetDatabase())

  test('a webhook delivery is answered without a template renderer', async ({ assert }) => {
    const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id: 'i-1' } })
    const signature = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!)
      .update(body)
      .digest('hex')
    let status = 0
    const made = await renderersDuring(async () => {
      const response = await fetch(`${BASE}/api/webhooks/fixture`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fixture-signature': `sha256=${signature}`,
          'x-fixture-delivery': 'renderer-1',
          'x-fixture-event': 'item',
        },
        body,
      })
      status = response.status
      await response.arrayBuffer()
    })
    assert.equal(status, 202)
    assert.deepEqual(made, [])
  })

  test('a page’s renderer shares the request and its authenticator', async ({ assert }) => {
    let status = 0
    const made = await renderersDuring(async () => {
      const response = await fetch(`${BASE}/sign-in`)
      status = response.status
      await response.arrayBuffer()
    })
    assert.equal(status, 200)
    assert.lengthOf(made, 1)
    assert.includeMembers(made[0], ['request', 'auth'])
  })
})
