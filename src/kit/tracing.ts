/**
 * Tracing is a dependency like logging and metrics. The Tracer interface is
 * what endpoint middlewares and transports see; `otel()` adapts the
 * OpenTelemetry API (which records nothing until an SDK is registered, see
 * src/telemetry.ts) and `nop()` costs nothing. The trace context travels in
 * Context.trace as a W3C traceparent, so business code never reads
 * OpenTelemetry's ambient context; only this file does, so that third-party
 * instrumentation (pg, undici) still sees the active span as its parent.
 */
import {
  context as otelContext,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context as OtelContext,
} from '@opentelemetry/api'
import { type Context, derive } from './context.js'
import { isDomainError } from './errors.js'

/** Kind says which side of a call a span stands for. */
export type Kind = 'server' | 'client' | 'internal'

/** Tracer starts spans around calls; the Context passed on carries the new span. */
export interface Tracer {
  /** enabled is false for the no-op tracer, so middlewares can skip wrapping entirely. */
  readonly enabled: boolean
  /** run calls fn inside a span named name, child of ctx.trace, ending the span when fn settles. */
  run<T>(ctx: Context, name: string, kind: Kind, fn: (ctx: Context) => Promise<T>): Promise<T>
}

/** nop returns a Tracer that records nothing and adds no work. */
export function nop(): Tracer {
  return { enabled: false, run: (ctx, _name, _kind, fn) => fn(ctx) }
}

const kinds = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL } as const

/**
 * parentOf rebuilds OpenTelemetry's parent context from a propagated
 * traceparent. An active span of the same trace wins: it is a more specific
 * parent that an instrumentation (the HTTP server span) opened for this very
 * request. An active span of another trace is ignored, so context leaked into
 * a pooled connection's callbacks can never adopt another request's spans.
 */
function parentOf(ctx: Context): OtelContext {
  const active = otelContext.active()
  if (ctx.trace === undefined) return active
  const current = trace.getSpanContext(active)
  if (current !== undefined && current.traceId === ctx.trace.slice(3, 35)) return active
  return propagation.extract(ROOT_CONTEXT, { traceparent: ctx.trace })
}

/**
 * flush exports the spans still buffered by the registered SDK, if any; main
 * calls it last on shutdown, because process.exit would drop them.
 */
export async function flush(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown }
  const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> }
  await delegate.forceFlush?.()
}

/** otel returns a Tracer on the global OpenTelemetry API, named after the instrumenting scope. */
export function otel(scope = 'tskit'): Tracer {
  const tracer = trace.getTracer(scope)
  return {
    enabled: true,
    run(ctx, name, kind, fn) {
      const parent = parentOf(ctx)
      const span = tracer.startSpan(name, { kind: kinds[kind] }, parent)
      const sc = span.spanContext()
      const traceparent = `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`
      const active = trace.setSpan(parent, span)
      return otelContext.with(active, async () => {
        try {
          return await fn(derive(ctx, { trace: traceparent }))
        } catch (err) {
          if (isDomainError(err)) span.setAttribute('error.code', err.code)
          else {
            span.recordException(err instanceof Error ? err : String(err))
            span.setStatus({ code: SpanStatusCode.ERROR })
          }
          throw err
        } finally {
          span.end()
        }
      })
    },
  }
}

/**
 * nameServerSpan names the active transport span after the route that matched
 * (`POST /profiles/:id`) and records http.route, as OpenTelemetry's HTTP
 * conventions ask of a framework. Without it the HTTP instrumentation's span
 * is only `POST`; doing it here costs one call, where @fastify/otel's three
 * extra spans per request cost half of a traced server's throughput.
 */
export function nameServerSpan(method: string, route: string): void {
  const span = trace.getActiveSpan()
  if (span === undefined) return
  span.updateName(`${method} ${route}`)
  span.setAttribute('http.route', route)
}
