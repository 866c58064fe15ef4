import { test } from '@japa/runner'
import { createAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { createConnection } from '#tests/helpers/connections'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'
import { runAce, startAce } from '#tests/helpers/processes'
import {
  closeScratchConnection,
  createScratchDatabase,
  fixtureDelivery,
  onScratchDatabase,
  postDeliveryTo,
  startCluster,
  type Cluster,
  type ScratchDatabase,
} from '#tests/helpers/scale_cluster'
import { tickLog, type TickLog } from '#tests/helpers/schedulers'
import { waitFor } from '#tests/helpers/wait'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Deliveries sent by the scale-out test: the issue's 5,000 (34 s on a
 * quiet two-core machine after an 11 s boot). SCALE_DELIVERIES sets
 * another load (docs/deploy.md).
 */
const DELIVERIES = Number(process.env.SCALE_DELIVERIES ?? 5000)
const IN_FLIGHT = 16
/** the delivery whose web process dies after storing it, before queueing it */
const CRASH_ID = 'scale-crash'

const PRODUCTS = '/insights/products?range=custom&from=2026-03-02&to=2026-03-08'

type Plan = { id: string; badSignature: boolean; duplicateOf?: string }

/** 5% exact re-sends of an earlier good delivery, 2% wrongly signed, the rest new */
function planDeliveries(count: number): Plan[] {
  const plan: Plan[] = []
  for (let index = 0; index < count; index++) {
    if (index % 50 === 17) plan.push({ id: `bad-${index}`, badSignature: true })
    else if (index % 20 === 9 && index > 20) {
      plan.push({
        id: `good-${index - 10}`,
        badSignature: false,
        duplicateOf: `good-${index - 10}`,
      })
    } else plan.push({ id: `good-${index}`, badSignature: false })
  }
  return plan
}

test.group(
  'Scale-out | 2 web processes, 2 workers, 2 schedulers on PostgreSQL and Redis',
  (group) => {
    let scratch: ScratchDatabase
    let cluster: Cluster
    let provider: FakeProvider
    let ticks: TickLog

    group.setup(async () => {
      scratch = await createScratchDatabase()
      // before the processes: they inherit FIXTURE_API_URL
      provider = await startFakeProvider()
      ticks = await tickLog()
      return async () => {
        await cluster?.stop()
        await closeScratchConnection(scratch)
        await scratch.drop()
        await provider.close()
        await ticks.dispose()
      }
    })

    test('every good delivery is processed once through crashes, sessions and cache are shared, ticks run once', async ({
      assert,
    }) => {
      const startedAt = Date.now()
      cluster = await startCluster({
        scratch,
        webs: 2,
        workers: 2,
        schedulers: 2,
        env: {
          ...ticks.env,
          SCHEDULE_TEST_TICK: '* * * * * *',
          // the sweeper every 2 s, with thresholds in seconds instead of minutes
          SCHEDULE_WEBHOOKS_SWEEP: '*/2 * * * * *',
          WEBHOOK_SWEEP_PENDING_SECONDS: '4',
          WEBHOOK_SWEEP_PROCESSING_SECONDS: '8',
          // a killed worker's jobs are handed out again after 3 s
          QUEUE_STALLED_THRESHOLD: '3s',
          QUEUE_STALLED_INTERVAL: '1s',
        },
        // the second web process dies right after storing CRASH_ID
        perWeb: (index): Record<string, string> =>
          index === 1 ? { WEBHOOK_TEST_CRASH_AFTER_STORE: CRASH_ID } : {},
      })
      const [webA, webB] = cluster.webs
      const booted = Date.now()

      // what the pages and the sync need, written to the cluster's database
      provider.state.repositories = seedRepositories(6, 100)
      provider.state.faults.latencyMs = 40
      const { account, productId } = await onScratchDatabase(scratch, async () => {
        const owner = await createAccount({ role: 'owner' })
        await createConnection(owner.organization, { accountKey: 'acme' })
        const product = await insertProduct(owner.organization.id, 'Orion', [])
        return { account: owner, productId: product }
      })

      // a session made on one web process is valid on the other
      const onA = new WebClient(`http://127.0.0.1:${webA.port}`)
      await onA.signIn(account.email, account.password, account.totpSecret!)
      const onB = new WebClient(`http://127.0.0.1:${webB.port}`)
      for (const [name, value] of onA.cookies) onB.cookies.set(name, value)
      const sessions = await onB.get('/settings/sessions')
      assert.equal(sessions.status, 200, webB.output())
      assert.equal(
        (await new WebClient(`http://127.0.0.1:${webB.port}`).get('/settings/sessions')).location,
        '/sign-in'
      )

      // a cache invalidation from an ace command reaches both web processes
      for (const client of [onA, onB])
        assert.include((await client.get(PRODUCTS)).text, '>Orion</a>')
      await scratch.query('update products set name = $1 where id = $2', ['Vega', productId])
      for (const client of [onA, onB]) {
        assert.include((await client.get(PRODUCTS)).text, '>Orion</a>', 'served from the cache')
      }
      const rollUp = await runAce(['insights:roll-up'], cluster.env)
      assert.equal(rollUp.code, 0, rollUp.stdout + rollUp.stderr)
      for (const client of [onA, onB]) {
        const page = await client.get(PRODUCTS)
        assert.include(page.text, '>Vega</a>', client.baseUrl)
        assert.notInclude(page.text, '>Orion</a>')
      }

      // a sync runs through the load
      const sync = startAce(['fetch:data', 'fixture'], cluster.env)

      const plan = planDeliveries(DELIVERIES)
      const crashAt = Math.floor(plan.length / 2)
      const killWorkerAt = Math.floor(plan.length / 3)
      let webBAlive = true
      let next = 0
      let refused = 0
      let workerKilled = false
      const sendOne = async (item: Plan, index: number) => {
        const delivery = fixtureDelivery(item.id, { badSignature: item.badSignature })
        // alternate between the two web processes; once B is gone, a client
        // (the reverse proxy) tries the other one
        const first = webBAlive && index % 2 === 1 ? webB : webA
        let status: number
        try {
          status = await postDeliveryTo(first.port, delivery)
        } catch {
          status = await postDeliveryTo(webA.port, delivery)
        }
        if (item.badSignature) {
          assert.equal(status, 401, `${item.id} is refused`)
          refused += 1
        } else assert.equal(status, 202, `${item.id} is accepted (${webA.output().slice(-2000)})`)
      }
      const sender = async () => {
        while (next < plan.length) {
          const index = next++
          if (index === killWorkerAt && !workerKilled) {
            workerKilled = true
            // SIGKILL while it has jobs in hand
            await cluster.workers[0].kill()
          }
          if (index === crashAt) {
            const status = await postDeliveryTo(webB.port, fixtureDelivery(CRASH_ID)).catch(
              () => 'reset'
            )
            assert.equal(status, 'reset', 'web B died while answering')
            await webB.exited
            webBAlive = false
          }
          await sendOne(plan[index], index)
        }
      }
      await Promise.all(Array.from({ length: IN_FLIGHT }, sender))
      assert.isTrue(workerKilled)
      assert.isNotNull(webB.child.signalCode ?? webB.child.exitCode, 'web B is gone')

      const good = new Set(plan.filter((item) => !item.badSignature).map((item) => item.id))
      good.add(CRASH_ID)
      await waitFor(
        async () => {
          const [row] = await scratch.query(
            `select count(*)::int as effects,
                  (select count(*)::int from webhook_deliveries where status <> 'processed') as open
             from fixture_webhook_effects`
          )
          return row.effects >= good.size && row.open === 0
        },
        { timeoutMs: 300_000, intervalMs: 250, what: `${good.size} deliveries processed` }
      )
      const sent = Date.now()

      // every good delivery processed exactly once, the bad ones never
      const effects = await scratch.query<{ delivery_id: string; times: number }>(
        'select delivery_id, count(*)::int as times from fixture_webhook_effects group by delivery_id'
      )
      const twice = effects.filter((row) => row.times !== 1)
      assert.deepEqual(twice, [], 'no delivery processed twice')
      assert.deepEqual(
        new Set(effects.map((row) => row.delivery_id)),
        good,
        'none lost, none extra'
      )
      const stored = await scratch.query('select delivery_id, status from webhook_deliveries')
      assert.equal(stored.length, good.size, 'duplicates stored once, bad signatures not at all')
      assert.isTrue(stored.every((row) => row.status === 'processed'))
      assert.equal(refused, plan.filter((item) => item.badSignature).length)
      const crashed = stored.find((row) => row.delivery_id === CRASH_ID)
      assert.exists(crashed, 'the crash delivery was stored before web B died')

      // the sync ran beside the load and finished
      assert.equal(await sync.stop(), 0, sync.output())
      const [{ issues }] = await scratch.query('select count(*)::int as issues from issues')
      assert.equal(issues, 6 * 100)

      // each schedule ran once per tick, across both schedulers
      const runs = await scratch.query<{ schedule: string; tick: string; times: number }>(
        'select schedule, tick, count(*)::int as times from schedule_runs group by schedule, tick'
      )
      assert.isAbove(runs.filter((run) => run.schedule === 'test:tick').length, 5)
      assert.deepEqual(
        runs.filter((run) => run.times !== 1),
        [],
        'no tick claimed twice'
      )
      assert.isTrue(runs.some((run) => run.schedule === 'webhooks:sweep'))
      const executions = await ticks.executions()
      const executedTicks = executions.map((execution) => execution.tick)
      assert.equal(new Set(executedTicks).size, executedTicks.length, 'no tick executed twice')
      assert.isAbove(
        new Set(executions.map((execution) => execution.pid)).size,
        1,
        'both schedulers won ticks'
      )

      console.log(
        `scale-out: ${plan.length} deliveries (${good.size} good) in ${((sent - booted) / 1000).toFixed(1)} s after a ${((booted - startedAt) / 1000).toFixed(1)} s boot`
      )
    }).timeout(600_000)
  }
)
