/**
 * Context carries request-scoped values across the layers, as Go's
 * context.Context does for Go kit. Every Service and Endpoint method takes it
 * first; nothing else carries request state, so a call can be traced,
 * cancelled and attributed without ambient storage.
 */

/** Context is the explicit, immutable request scope passed to every service and endpoint call. */
export interface Context {
  /** signal aborts when the caller goes away or the deadline passes. */
  readonly signal: AbortSignal
  /** requestId correlates log lines and remote calls of one request (x-request-id). */
  readonly requestId: string
  /** deadline is the epoch time in milliseconds by which the caller needs an answer, if any. */
  readonly deadline?: number
  /** trace is the propagated W3C traceparent of the current span, if any. */
  readonly trace?: string
  /** transport names the server transport the call came in on (http, grpc, jsonrpc, nats), for metrics. */
  readonly transport?: string
}

const never = new AbortController().signal

/** background returns a Context for work that is not tied to a request: no deadline, never aborted. */
export function background(requestId = 'background'): Context {
  return { signal: never, requestId }
}

/** remaining reports the milliseconds left before ctx's deadline, or undefined when it has none. */
export function remaining(ctx: Context, now = Date.now()): number | undefined {
  return ctx.deadline === undefined ? undefined : Math.max(0, ctx.deadline - now)
}
