/**
 * timeout gives each call a deadline. The callee sees it on ctx.signal and
 * ctx.deadline (and a remote client forwards what is left of it); the caller
 * gets DeadlineExceededError when it passes, whether or not the callee
 * noticed. A tighter deadline already on the Context wins.
 */
import { withDeadline } from '../kit/deadline.js'
import type { Middleware } from '../kit/endpoint.js'

/** timeout returns a middleware that fails calls taking longer than ms milliseconds. */
export function timeout(ms: number): Middleware {
  return (next) =>
    function timed(ctx, req) {
      return withDeadline(ctx, Date.now() + ms, (c) => next(c, req))
    }
}
