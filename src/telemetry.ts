/**
 * telemetry starts the OpenTelemetry Node SDK, configured by the standard
 * OTEL_* variables (OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, …), with instrumentations
 * for node:http, undici (fetch) and pg; the HTTP server span is named after
 * its fastify route by kit/tracing's nameServerSpan (@fastify/otel is not
 * used: its extra spans per request halved a traced server's throughput).
 * It is a preload:
 *
 *   node --import ./dist/src/telemetry.js dist/src/main.js
 *
 * because instrumentations patch modules as they load, and one loaded first
 * is silently missed (see PACKAGES.md §3.5). With no exporter configured the
 * SDK is not even imported, so a process without a collector pays nothing.
 * Traces are exported with OTLP over HTTP (JSON) unless
 * OTEL_TRACES_EXPORTER=console. main flushes what is buffered on shutdown
 * (kit/tracing's flush).
 */
import { telemetrySettings } from './config.js'

const settings = telemetrySettings()
const adminPaths = new Set(['/metrics', '/healthz', '/readyz'])

if (settings.enabled) {
  const [{ NodeSDK, tracing }, { OTLPTraceExporter }, { HttpInstrumentation }, { UndiciInstrumentation }, { PgInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
      import('@opentelemetry/instrumentation-pg'),
    ])
  const sdk = new NodeSDK({
    traceExporter: settings.exporter === 'console' ? new tracing.ConsoleSpanExporter() : new OTLPTraceExporter(),
    // OpenTelemetry logs stay off unless OTEL_LOGS_EXPORTER asks: pino writes ours.
    ...(settings.logsExporter ? {} : { logRecordProcessors: [] }),
    instrumentations: [
      // Probes and scrapes of the admin listener are not requests worth a trace.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => adminPaths.has(req.url ?? '') }),
      // Our kit clients send their own traceparent (their client span): skip
      // those requests, or the server would get two traceparent headers.
      new UndiciInstrumentation({ ignoreRequestHook: (req) => hasTraceparent(req.headers) }),
      new PgInstrumentation(),
      // Request and handler spans only: a span per fastify hook (ours are
      // trivial) would multiply the spans of every request.
    ],
  })
  sdk.start()
}

/** hasTraceparent reports whether undici request headers (a raw string or a flat array) already carry one. */
function hasTraceparent(headers: string | readonly (string | Buffer)[] | unknown): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers)
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === 'traceparent')
  return false
}
