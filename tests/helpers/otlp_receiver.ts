import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export type OtlpValue = {
  stringValue?: string
  intValue?: string | number
  boolValue?: boolean
  doubleValue?: number
}
type OtlpAttribute = { key: string; value: OtlpValue }
export type ExportedSpan = {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Record<string, unknown>
}
export type MetricPoint = { attributes: Record<string, unknown>; value: number }
type Received = { path: string; headers: IncomingHttpHeaders; body: string }

/** OTLP/JSON ids are hex in the JavaScript exporter; base64 in the spec's proto3 mapping */
export function hexId(id: string | undefined) {
  if (!id) return ''
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex')
}

export function attributeValue(value: OtlpValue) {
  return value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue
}

function attributesOf(list: OtlpAttribute[] | undefined) {
  return Object.fromEntries(
    (list ?? []).map((attribute) => [attribute.key, attributeValue(attribute.value)])
  )
}

/** the sum of the points whose attributes include all of `match` */
export function sumWhere(points: MetricPoint[], match: Record<string, unknown>) {
  return points
    .filter((point) =>
      Object.entries(match).every(([key, value]) => point.attributes[key] === value)
    )
    .reduce((sum, point) => sum + point.value, 0)
}

/**
 * A loopback OpenTelemetry collector: a real HTTP server taking what the
 * OTLP/HTTP exporters send (JSON here, so it can be read without the
 * protobuf schema) and keeping every body as received.
 */
export async function startOtlpReceiver() {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  function spans(): ExportedSpan[] {
    return received
      .filter((entry) => entry.path === '/v1/traces')
      .flatMap((entry) => JSON.parse(entry.body).resourceSpans ?? [])
      .flatMap((resourceSpans: { scopeSpans?: { spans?: unknown[] }[] }) =>
        (resourceSpans.scopeSpans ?? []).flatMap((scope) => scope.spans ?? [])
      )
      .map((span: any) => ({
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        parentSpanId: hexId(span.parentSpanId) || undefined,
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
      }))
  }

  /**
   * The data points of one metric as last exported (the SDK exports
   * cumulative totals), one per attribute set and process: a counter's or
   * gauge's value, a histogram's count.
   */
  function metricPoints(name: string, upTo = received.length): MetricPoint[] {
    const latest = new Map<string, MetricPoint>()
    for (const point of metricHistory(name, upTo)) {
      latest.set(`${point.instance}|${JSON.stringify(point.attributes)}`, point)
    }
    return [...latest.values()]
  }

  /** every data point of one metric, in the order the exports arrived */
  function metricHistory(
    name: string,
    upTo = received.length
  ): Array<MetricPoint & { instance: string }> {
    const history: Array<MetricPoint & { instance: string }> = []
    for (const entry of received.slice(0, upTo).filter((item) => item.path === '/v1/metrics')) {
      for (const resourceMetrics of JSON.parse(entry.body).resourceMetrics ?? []) {
        const instance = JSON.stringify(resourceMetrics.resource?.attributes ?? [])
        for (const scope of resourceMetrics.scopeMetrics ?? []) {
          for (const metric of scope.metrics ?? []) {
            if (metric.name !== name) continue
            const data = metric.sum ?? metric.gauge ?? metric.histogram ?? { dataPoints: [] }
            for (const point of data.dataPoints ?? []) {
              const attributes = attributesOf(point.attributes)
              const value = metric.histogram
                ? Number(point.count)
                : Number(point.asInt ?? point.asDouble ?? 0)
              history.push({ instance, attributes, value })
            }
          }
        }
      }
    }
    return history
  }

  /**
   * Waits for the next metrics export and returns a function giving how
   * much a metric's points matching some attributes grew since then (the
   * SDK's totals are cumulative over the life of the process).
   */
  async function metricsBaseline() {
    const from = received.length
    const deadline = Date.now() + 15_000
    while (!received.slice(from).some((entry) => entry.path === '/v1/metrics')) {
      if (Date.now() > deadline) throw new Error('no metrics export within 15 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const mark = received.length
    return (name: string, match: Record<string, unknown>) =>
      sumWhere(metricPoints(name), match) - sumWhere(metricPoints(name, mark), match)
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    metricsBaseline,
    received,
    spans,
    metricPoints,
    metricHistory,
    /** everything any exporter sent, as one string, to search for secrets */
    everything: () => received.map((entry) => entry.body).join('\n'),
    reset: () => received.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type OtlpReceiver = Awaited<ReturnType<typeof startOtlpReceiver>>

export function otelEnv(receiver: OtlpReceiver, extra: Record<string, string> = {}) {
  return {
    OTEL_SERVICE_NAME: 'sextant-otel-test',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=collector-key-1',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    // export within a fraction of a second rather than every 5 s
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    ...extra,
  }
}
