/**
 * tracing opens one span per endpoint call, named after the endpoint. With
 * the no-op tracer it returns the endpoint unchanged, so a process without
 * tracing pays nothing for having the middleware in its chain.
 */
import type { Middleware } from '../kit/endpoint.js'
import type { Tracer } from '../kit/tracing.js'

/** tracing returns a middleware that wraps each call in an internal span called name. */
export function tracing(tracer: Tracer, name: string): Middleware {
  if (!tracer.enabled) return (next) => next
  return (next) =>
    function traced(ctx, req) {
      return tracer.run(ctx, name, 'internal', (c) => next(c, req))
    }
}
