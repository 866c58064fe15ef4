/**
 * When Sextant exports telemetry, decided from the standard OpenTelemetry
 * variables alone so it can be read before the application (and its env
 * validation) loads. Off unless an OTLP endpoint is named: with nothing
 * configured, no SDK, no hook and no network.
 */
export type TelemetryEnv = Record<string, string | undefined>

function isTrue(value: string | undefined) {
  return ['true', '1', 'yes', 'on'].includes((value ?? '').trim().toLowerCase())
}

function listed(value: string | undefined) {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean)
}

export function tracesEnabled(env: TelemetryEnv) {
  if (isTrue(env.OTEL_SDK_DISABLED)) return false
  if (listed(env.OTEL_TRACES_EXPORTER).includes('none')) return false
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
}

/**
 * Metrics go to the same collector unless OTEL_METRICS_EXPORTER says
 * "none" (the OpenTelemetry default is "otlp").
 */
export function metricsEnabled(env: TelemetryEnv) {
  if (!tracesEnabled(env) && !env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) return false
  if (isTrue(env.OTEL_SDK_DISABLED)) return false
  const exporters = listed(env.OTEL_METRICS_EXPORTER)
  return !exporters.includes('none')
}

export function telemetryEnabled(env: TelemetryEnv) {
  return tracesEnabled(env) || metricsEnabled(env)
}

/** the OTLP wire format for traces: http/protobuf unless told otherwise */
export function tracesProtocol(env: TelemetryEnv) {
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL ||
    'http/protobuf'
  ).trim()
  return protocol as 'http/protobuf' | 'http/json' | 'grpc' | string
}
