/**
 * Deadlines are enforced in one place. withDeadline gives the callee a
 * Context whose signal aborts when the deadline passes or the caller goes
 * away, and settles the call at that moment even if the callee ignores its
 * signal: a caller with a 50 ms budget gets its answer at 50 ms, not when a
 * slow dependency finally replies. Timers and listeners are always released.
 */
import type { Context } from './context.js'
import { DeadlineExceededError, fromAbort } from './errors.js'

/**
 * withDeadline runs fn with a Context that expires at deadline (epoch ms), or
 * at ctx's own deadline when that is earlier.
 */
export async function withDeadline<T>(
  ctx: Context,
  deadline: number,
  fn: (ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = ctx.signal
  if (parent.aborted) throw fromAbort(parent)
  const at = ctx.deadline === undefined ? deadline : Math.min(ctx.deadline, deadline)
  const ac = new AbortController()
  const onParentAbort = (): void => ac.abort(parent.reason)
  parent.addEventListener('abort', onParentAbort, { once: true })
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    ac.signal.addEventListener('abort', () => reject(fromAbort(ac.signal)), { once: true })
    timer = setTimeout(() => ac.abort(new DeadlineExceededError()), Math.max(0, at - Date.now()))
  })
  try {
    return await Promise.race([fn({ ...ctx, signal: ac.signal, deadline: at }), expired])
  } finally {
    clearTimeout(timer)
    parent.removeEventListener('abort', onParentAbort)
  }
}
