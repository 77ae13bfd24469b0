/**
 * Tracing is a dependency like logging and metrics. The Tracer interface is
 * what endpoint middlewares and transports see; `otel()` adapts the
 * OpenTelemetry API (which records nothing until an SDK is registered, see
 * src/telemetry.ts) and `nop()` costs nothing. The trace context travels in
 * Context.trace as a W3C traceparent, so business code never reads
 * OpenTelemetry's ambient context. A tracer made with `ambient` also makes
 * each recording span OpenTelemetry's active context, so that third-party
 * instrumentation below it (pg) sees it as its parent; only the services
 * whose code calls such libraries get one, because entering that context
 * costs every promise of the process on Node 20 and 22 (kit/otel-context).
 */
import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
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
  return remoteParent(ctx.trace)
}

/**
 * remoteParent is OpenTelemetry's context for a parent known by its
 * traceparent, already validated by the transport (wire.ts): read by
 * position, which costs a fraction of the W3C propagator's parse.
 */
function remoteParent(traceparent: string): OtelContext {
  const traceFlags = Number.parseInt(traceparent.slice(53, 55), 16)
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: traceparent.slice(3, 35), spanId: traceparent.slice(36, 52), traceFlags, isRemote: true })
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

/** OtelOptions tell otel() what the SDK was configured with. */
export interface OtelOptions {
  /**
   * followsParent says the SDK's sampler is parent-based (OpenTelemetry's
   * default, parentbased_always_on, and every parentbased_* sampler): a child
   * of an unsampled span is then never sampled, so run skips the SDK for it
   * and passes the caller's traceparent on, "not sampled" included.
   */
  readonly followsParent?: boolean
  /**
   * ambient makes each recording span OpenTelemetry's active context while
   * its call runs, for instrumented libraries called below it (pg); without
   * it spans are linked through Context.trace alone, which costs nothing
   * beyond the span.
   */
  readonly ambient?: boolean
}

/** sampled reads the sampled flag of a validated traceparent: the low bit of its last hex digit. */
function sampled(traceparent: string): boolean {
  return (Number.parseInt(traceparent.charAt(54), 16) & 1) === 1
}

/** otel returns a Tracer on the global OpenTelemetry API, named after the instrumenting scope. */
export function otel(scope = 'tskit', opts: OtelOptions = {}): Tracer {
  const tracer = trace.getTracer(scope)
  const followsParent = opts.followsParent === true
  const ambient = opts.ambient === true
  return {
    enabled: true,
    run<T>(ctx: Context, name: string, kind: Kind, fn: (ctx: Context) => Promise<T>): Promise<T> {
      // Under a parent-based sampler, nothing below an unsampled span is recorded: no span to start.
      if (followsParent && ctx.trace !== undefined && !sampled(ctx.trace)) return fn(ctx)
      const parent = parentOf(ctx)
      const span = tracer.startSpan(name, { kind: kinds[kind] }, parent)
      const sc = span.spanContext()
      const traceparent = `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`
      // An unsampled span records nothing: the call goes on with its
      // traceparent (so the "not sampled" decision reaches remote calls), and
      // nothing becomes ambient, so instrumented libraries below record nothing
      // either (src/telemetry.ts has them require a parent).
      if (!span.isRecording()) return fn(derive(ctx, { trace: traceparent }))
      const call = async (): Promise<T> => {
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
      }
      return ambient ? otelContext.with(trace.setSpan(parent, span), call) : call()
    },
  }
}

/** HttpServerSpan is the SERVER span of one incoming HTTP request: the traceparent its Context carries, and how to end it. */
export interface HttpServerSpan {
  readonly traceparent: string
  /** recording is false for an unsampled request, whose span needs no end. */
  readonly recording: boolean
  /** end records the response status (a 5xx marks the span failed) and ends the span. */
  end(status: number): void
}

const httpTracer = trace.getTracer('tskit')

/**
 * httpServerSpan opens the SERVER span of an incoming HTTP request, child of
 * the caller's traceparent, named after the route that matched (`POST
 * /profiles/:id`, only the method when none did) with OpenTelemetry's HTTP
 * attributes. The kit opens it itself, in place of OpenTelemetry's http
 * instrumentation, which binds every request's event emitters into its
 * ambient context: about 17 µs a request, sampled or not. The span never
 * becomes ambient; the request's Context carries it (Context.trace), so an
 * unsampled request costs a sampling decision and a few strings.
 */
export function httpServerSpan(incoming: string | undefined, method: string, route: string | undefined, attributes: () => Attributes): HttpServerSpan {
  const parent = incoming === undefined ? ROOT_CONTEXT : remoteParent(incoming)
  const span = httpTracer.startSpan(route === undefined ? method : `${method} ${route}`, { kind: SpanKind.SERVER }, parent)
  // Attributes only on a span that records them: the built-in samplers decide on the trace alone.
  const recording = span.isRecording()
  if (recording) span.setAttributes(route === undefined ? attributes() : { ...attributes(), 'http.route': route })
  const sc = span.spanContext()
  return {
    traceparent: `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`,
    recording,
    end(status) {
      if (!recording) return
      span.setAttribute('http.response.status_code', status)
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    },
  }
}
