import { metrics, type Attributes } from '@opentelemetry/api'

/**
 * Sextant's own metrics, exported by the same OTLP pipeline as the
 * traces (OTEL_METRICS_EXPORTER, on by default once an endpoint is set).
 * With no SDK started the OpenTelemetry API hands out no-op instruments:
 * telemetry off costs one function call per measurement.
 *
 * Attributes name routes, plugins, jobs, queues and outcomes, and a
 * connection by its public id: never a user, a token or anything a
 * request carries (an unknown plugin id in a URL is recorded as
 * "unknown", so a caller cannot mint series).
 *
 * Request rate and latency by route are the HTTP instrumentation's
 * http.server.request.duration (a histogram: its count is the rate).
 */
const meter = metrics.getMeter('sextant')

export const METRIC = {
  webhookReceived: 'sextant.webhook.deliveries.received',
  webhookProcessed: 'sextant.webhook.deliveries.processed',
  webhookLatency: 'sextant.webhook.delivery.latency',
  jobDuration: 'sextant.queue.job.duration',
  queueDepth: 'sextant.queue.depth',
  syncRequests: 'sextant.sync.requests',
  rateLimitRemaining: 'sextant.sync.rate_limit.remaining',
  rateLimitLimit: 'sextant.sync.rate_limit.limit',
} as const

const webhookReceived = meter.createCounter(METRIC.webhookReceived, {
  description: 'Webhook deliveries received, by plugin and outcome (accepted, duplicate, refused)',
  unit: '{delivery}',
})
const webhookProcessed = meter.createCounter(METRIC.webhookProcessed, {
  description:
    'Webhook delivery jobs run, by plugin and outcome (processed, failed, skipped: already handled)',
  unit: '{delivery}',
})
const webhookLatency = meter.createHistogram(METRIC.webhookLatency, {
  description: 'Time from receiving a webhook delivery to having processed it',
  unit: 's',
})
const jobDuration = meter.createHistogram(METRIC.jobDuration, {
  description: 'Time a queued job ran, by job and outcome (succeeded, failed)',
  unit: 's',
})
const syncRequests = meter.createCounter(METRIC.syncRequests, {
  description: 'Requests to provider APIs, by plugin, connection and status class',
  unit: '{request}',
})
const rateLimitRemaining = meter.createGauge(METRIC.rateLimitRemaining, {
  description: "Requests left in the provider's rate-limit window, per connection",
  unit: '{request}',
})
const rateLimitLimit = meter.createGauge(METRIC.rateLimitLimit, {
  description: "Size of the provider's rate-limit window, per connection",
  unit: '{request}',
})

export type WebhookReceiptOutcome = 'accepted' | 'duplicate' | 'refused'
export type WebhookProcessingOutcome = 'processed' | 'failed' | 'skipped'

export function recordWebhookReceived(pluginId: string | null, outcome: WebhookReceiptOutcome) {
  webhookReceived.add(1, {
    'sextant.plugin': pluginId ?? 'unknown',
    'sextant.webhook.outcome': outcome,
  })
}

export function recordWebhookProcessed(
  pluginId: string,
  outcome: WebhookProcessingOutcome,
  receivedAt: Date | null
) {
  const attributes = { 'sextant.plugin': pluginId, 'sextant.webhook.outcome': outcome }
  webhookProcessed.add(1, attributes)
  if (outcome === 'processed' && receivedAt) {
    webhookLatency.record(Math.max(0, (Date.now() - receivedAt.getTime()) / 1000), attributes)
  }
}

/** runs a queued job, recording its duration and outcome */
export async function measureJob<T>(jobName: string, queue: string, work: () => Promise<T>) {
  const startedAt = performance.now()
  let outcome = 'failed'
  try {
    const result = await work()
    outcome = 'succeeded'
    return result
  } finally {
    jobDuration.record((performance.now() - startedAt) / 1000, {
      'messaging.job.name': jobName,
      'messaging.destination.name': queue,
      'sextant.job.outcome': outcome,
    })
  }
}

export type ConnectionLabel = { pluginId: string; connectionPublicId: string }

/** one request of a connection's HTTP client, and the rate-limit window it announced */
export function recordConnectionRequest(
  connection: ConnectionLabel,
  status: number,
  rateLimit: { limit: number | null; remaining: number | null }
) {
  const attributes: Attributes = {
    'sextant.plugin': connection.pluginId,
    'sextant.connection': connection.connectionPublicId,
  }
  syncRequests.add(1, {
    ...attributes,
    'http.response.status_class': status === 304 ? '304' : `${Math.floor(status / 100)}xx`,
  })
  if (rateLimit.remaining !== null) rateLimitRemaining.record(rateLimit.remaining, attributes)
  if (rateLimit.limit !== null) rateLimitLimit.record(rateLimit.limit, attributes)
}

let queueDepthObserved = false

/**
 * Jobs waiting in each queue, read from the queue's own store when the
 * metrics are collected. Registered by the processes that run jobs (web
 * processes with an in-process worker, queue:work), once per process.
 */
export function observeQueueDepth(queues: string[], sizeOf: (queue: string) => Promise<number>) {
  if (queueDepthObserved) return
  queueDepthObserved = true
  const gauge = meter.createObservableGauge(METRIC.queueDepth, {
    description: 'Jobs waiting in the queue',
    unit: '{job}',
  })
  gauge.addCallback(async (result) => {
    for (const queue of queues) {
      try {
        result.observe(await sizeOf(queue), { 'messaging.destination.name': queue })
      } catch {
        // a store that cannot be read this time reports nothing rather than a wrong zero
      }
    }
  })
}

/** sextant.queue.depth for the queues this process works, from the default queue store */
export async function observeJobQueues(queues: string[]) {
  const { QueueManager } = await import('@adonisjs/queue')
  observeQueueDepth(queues, (queue) => QueueManager.use().sizeOf(queue))
}
