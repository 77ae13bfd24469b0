/**
 * Deadlines are enforced in one place. withDeadline gives the callee a
 * Context whose signal aborts when the deadline passes or the caller goes
 * away, and settles the call at that moment even if the callee ignores its
 * signal: a caller with a 50 ms budget gets its answer at 50 ms, not when a
 * slow dependency finally replies. Timers and listeners are always released.
 *
 * The child is cancelled through a Cancel (kit/context), made only when
 * someone watches it, and its AbortSignal only when someone reads ctx.signal:
 * on Node 20 an AbortSignal costs about 5 µs to create, while the timer costs
 * well under 1 µs.
 */
import { Cancel, cancellationOf, type Context, derive, onAbort } from './context.js'
import { DeadlineExceededError, fromAbort } from './errors.js'

/**
 * withDeadline runs fn with a Context that expires at deadline (epoch ms), or
 * at ctx's own deadline when that is earlier.
 */
export function withDeadline<T>(ctx: Context, deadline: number, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const at = ctx.deadline === undefined ? deadline : Math.min(ctx.deadline, deadline)
  return new Promise<T>((resolve, reject) => {
    let own: Cancel | undefined
    let unlink = (): void => {}
    const timer = setTimeout(() => {
      const err = new DeadlineExceededError()
      own?.abort(err)
      reject(err)
    }, Math.max(0, at - Date.now()))
    const child = derive(ctx, { deadline: at }, () => {
      own = new Cancel()
      const parent = cancellationOf(ctx)
      const cancel = own
      const follow = (): void => {
        cancel.abort(parent.reason)
        reject(fromAbort(parent))
      }
      if (parent.aborted) follow()
      else unlink = onAbort(parent, follow)
      return own
    })
    fn(child).then(resolve, reject).finally(() => {
      clearTimeout(timer)
      unlink()
    })
  })
}
