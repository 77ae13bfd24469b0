/**
 * addsvc fixtures for the transport tests: the real endpoints over the real
 * service, and a "stalling" Service for deadline and cancellation tests: it
 * records the Context each call received and waits until that Context's
 * signal aborts (or 5 s pass), so a test can see that a caller giving up on
 * the other side of a transport cancelled the work here.
 */
import * as addendpoint from '../../src/endpoints/addsvc/index.js'
import type { Context } from '../../src/kit/context.js'
import * as addservice from '../../src/services/addsvc/index.js'
import { log, metrics, tracer } from './nop.js'

/** endpoints returns addsvc's real endpoints (real service, real middlewares) with generous or given limits. */
export function endpoints(limits = { sum: 1e6, concat: 1e6 }, svc?: addservice.Service): addendpoint.Endpoints {
  return addendpoint.make(svc ?? addservice.make({ ints: metrics.counter, chars: metrics.counter }), {
    log,
    duration: metrics.histogram,
    tracer,
    limits,
  })
}

/** Stalling is a Service whose sum waits for cancellation, and what it saw. */
export interface Stalling {
  readonly svc: addservice.Service
  /** seen are the Contexts of the calls received so far. */
  readonly seen: Context[]
  /** aborted resolves with the abort reason of the next call whose signal aborts. */
  aborted(): Promise<unknown>
}

/** stalling returns a Service whose sum blocks until its caller's signal aborts; concat answers at once. */
export function stalling(): Stalling {
  const seen: Context[] = []
  let tell: (reason: unknown) => void = () => {}
  let next = new Promise<unknown>((r) => (tell = r))
  const real = addservice.makeBasic()
  return {
    seen,
    aborted: () => next,
    svc: {
      async sum(ctx) {
        seen.push(ctx)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5_000)
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            tell(ctx.signal.reason)
            next = new Promise<unknown>((r) => (tell = r))
            resolve()
          }, { once: true })
        })
        throw ctx.signal.reason ?? new Error('stalled call was never cancelled')
      },
      async concat(ctx, a, b) {
        seen.push(ctx)
        return real.concat(ctx, a, b)
      },
    },
  }
}
