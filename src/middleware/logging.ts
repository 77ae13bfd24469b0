/**
 * logging writes one structured line per call. Successful calls are logged
 * at debug: at production rates an info line per request costs about a fifth
 * of a small route's throughput (see the README's benchmark), and access logs
 * belong to the proxy in front. Domain errors are logged at info, faults at
 * warn with their code and message (the transport logs unexpected errors with
 * their stack, once). Every line carries the request id and, when the call
 * is traced, the trace id, so logs and traces of one request join up.
 */
import type { Context } from '../kit/context.js'
import type { Middleware } from '../kit/endpoint.js'
import type { Logger } from '../kit/log.js'
import { Outcome, outcomeOf } from './outcome.js'

/** traceIdOf is the trace id of ctx's W3C traceparent (undefined, so omitted from the line, when untraced). */
function traceIdOf(ctx: Context): string | undefined {
  return ctx.trace?.slice(3, 35)
}

/** logging returns a middleware that logs each call's outcome and duration through log. */
export function logging(log: Logger): Middleware {
  // then() rather than async/await, as in instrumenting: one promise a call, no async frame.
  return (next) =>
    function logged(ctx, req) {
      const start = performance.now()
      return next(ctx, req).then(
        (res) => {
          if (log.enabled('debug')) {
            log.debug('call', { requestId: ctx.requestId, traceId: traceIdOf(ctx), outcome: Outcome.Ok, took_ms: performance.now() - start })
          }
          return res
        },
        (err: unknown) => {
          const outcome = outcomeOf(err)
          const fields = {
            requestId: ctx.requestId,
            traceId: traceIdOf(ctx),
            outcome,
            took_ms: performance.now() - start,
            code: (err as { code?: unknown }).code,
            err: err instanceof Error ? err.message : String(err),
          }
          if (outcome === Outcome.DomainError) log.info('call', fields)
          else log.warn('call', fields)
          throw err
        },
      )
    }
}
