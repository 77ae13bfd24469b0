/**
 * telemetry starts the OpenTelemetry Node SDK, configured by the standard
 * OTEL_* variables (OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, …), with instrumentations
 * for outgoing node:http, undici (fetch) and pg; the kit opens each
 * transport's server spans itself (kit/tracing's httpServerSpan names the
 * HTTP one after its fastify route; @fastify/otel is not used: its extra
 * spans per request halved a traced server's throughput).
 * It is a preload:
 *
 *   node --import ./dist/src/telemetry.js dist/main.js
 *
 * because instrumentations patch modules as they load, and one loaded first
 * is silently missed (see PACKAGES.md §3.5). With no exporter configured the
 * SDK is not even imported, so a process without a collector pays nothing.
 * Traces are exported with OTLP over HTTP (JSON) unless OTEL_TRACES_EXPORTER
 * says console, or zipkin: Zipkin's v2 JSON API at OTEL_EXPORTER_ZIPKIN_ENDPOINT
 * (default http://localhost:9411/api/v2/spans, as OpenTelemetry specifies),
 * each exporter imported only when chosen. main flushes what is buffered on
 * shutdown (kit/tracing's flush).
 */
import { telemetrySettings } from './config.js'

const settings = telemetrySettings()

if (settings.enabled) {
  const [{ NodeSDK, tracing }, { LazyContextManager }, { HttpInstrumentation }, { UndiciInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('./kit/otel-context.js'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-pg'),
  ])
  const traceExporter =
    settings.exporter === 'console'
      ? new tracing.ConsoleSpanExporter()
      : settings.exporter === 'zipkin'
        ? new (await import('@opentelemetry/exporter-zipkin')).ZipkinExporter({ url: settings.zipkinEndpoint })
        : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  const sdk = new NodeSDK({
    traceExporter,
    // The SDK's AsyncLocalStorage manager, entered only when a span is made
    // ambient (kit/otel-context): on Node 20 and 22 entering it costs every
    // promise of the process, and the kit links its spans through Context.
    contextManager: new LazyContextManager(),
    // OpenTelemetry logs stay off unless OTEL_LOGS_EXPORTER asks: pino writes ours.
    ...(settings.logsExporter ? {} : { logRecordProcessors: [] }),
    // So do its metrics, unless OTEL_METRICS_EXPORTER asks: ours are on the admin port. The SDK's
    // default would push OTLP metrics to localhost:4318 every minute and have the http
    // instrumentation record a histogram per request, beside ours.
    ...(settings.metricsExporter ? {} : { metricReaders: [] }),
    instrumentations: [
      // Outgoing node:http calls only: the kit opens the server span of each
      // request itself (kit/tracing's httpServerSpan), where this
      // instrumentation would bind every request's emitters into its ambient
      // context, about 17 µs a request, sampled or not.
      // Every instrumentation records only below a span of ours: an outgoing
      // call or a query with no ambient parent (below an unsampled request,
      // in a migration) would otherwise start a trace of its own.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true, requireParentforOutgoingSpans: true }),
      // Our kit clients send their own traceparent (their client span): skip
      // those requests, or the server would get two traceparent headers. The
      // metrics pushes (user-agent tskit-metrics) are telemetry, not work.
      new UndiciInstrumentation({ requireParentforSpans: true, ignoreRequestHook: (req) => hasTraceparent(req.headers) || isMetricsPush(req.headers) }),
      new PgInstrumentation({ requireParentSpan: true }),
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

/** isMetricsPush reports whether undici request headers carry the user-agent of kit/metrics' pushes. */
function isMetricsPush(headers: string | readonly (string | Buffer)[] | unknown): boolean {
  if (typeof headers === 'string') return /(^|\r\n)user-agent: tskit-metrics\r\n/i.test(headers)
  if (Array.isArray(headers)) return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === 'user-agent' && String(headers[i + 1]) === 'tskit-metrics')
  return false
}
