/**
 * balance does for a whole Endpoints record what Go kit's profilesvc client
 * repeats once per method (factory → endpointer → balancer → retry): one call
 * turns an Instancer and a client factory into a record of the same type,
 * whose every method is load balanced and retried over the instances. Each
 * instance gets its own per-method middlewares (a circuit breaker, a rate
 * limit), built once and dropped when the instance disappears, so a dead
 * instance trips only its own breaker. Policy is the consumer's, given here.
 */
import type { Endpoint, Middleware } from '../endpoint.js'
import { endpointer } from '../sd/endpointer.js'
import type { Instancer } from '../sd/instancer.js'
import { type Balancer, random, roundRobin, type Source } from './balancer.js'
import { isFault, retry, type RetryOptions } from './retry.js'

/** EndpointRecord is any record of endpoints, such as a service's Endpoints interface. */
export type EndpointRecord<E> = { readonly [K in keyof E]: Endpoint<never, unknown> }

/** BalanceOptions is the client policy for one remote service. */
export interface BalanceOptions extends Omit<RetryOptions, 'shouldRetry'> {
  /** shouldRetry decides, per method, whether a failure is worth another attempt (default: isFault). */
  readonly shouldRetry?: (err: unknown, method: string) => boolean
  /** name labels errors and logs (e.g. 'addsvc'). */
  readonly name: string
  /** strategy picks instances: 'roundRobin' (default) or 'random'. */
  readonly strategy?: 'roundRobin' | 'random'
  /**
   * perInstance returns the middleware wrapping one method of one instance
   * (e.g. its circuit breaker); dropped aborts when the instance disappears,
   * so the middleware can release what it holds (a breaker's timer).
   */
  readonly perInstance?: (instance: string, method: string, dropped: AbortSignal) => Middleware
}

// The factory is called once with this never-dialled URL (RFC 2606's .invalid)
// to learn the record's method names before any instance is known.
const probe = 'http://probe.invalid'

/**
 * balance returns a record of the same shape as factory's, each method
 * balanced and retried over the instances instancer lists. factory must be
 * pure (building a client must not connect), as kithttpc.client is.
 */
export function balance<E extends EndpointRecord<E>>(instancer: Instancer, factory: (instance: string) => E, opts: BalanceOptions): E {
  const methods = Object.keys(factory(probe)) as (keyof E & string)[]
  const perInstance = opts.perInstance
  const drops = new Map<string, AbortController>()
  const build = (instance: string): E => {
    const raw = factory(instance)
    if (!perInstance) return raw
    const dropped = new AbortController()
    drops.set(instance, dropped)
    const wrapped: Record<string, unknown> = {}
    for (const m of methods) wrapped[m] = perInstance(instance, m, dropped.signal)(raw[m] as Endpoint<never, unknown>)
    return wrapped as E
  }
  const onDrop = (instance: string): void => {
    drops.get(instance)?.abort()
    drops.delete(instance)
  }
  const records = endpointer(instancer, build, { onDrop })
  const out: Record<string, unknown> = {}
  for (const m of methods) {
    const source = view(records, (r) => r[m] as Endpoint<never, unknown>)
    const balancer: Balancer<Endpoint<never, unknown>> =
      opts.strategy === 'random' ? random(source, opts.name) : roundRobin(source, opts.name)
    const shouldRetry = opts.shouldRetry ?? isFault
    out[m] = retry(balancer, { ...opts, shouldRetry: (err) => shouldRetry(err, m) })
  }
  return out as E
}

/** view maps an Endpointer's items, recomputing only when its array changes, so items keep their identity. */
function view<T, U>(source: Source<T>, pick: (t: T) => U): Source<U> {
  let from: readonly T[] | undefined
  let to: readonly U[] = []
  return {
    endpoints() {
      const now = source.endpoints()
      if (now !== from) {
        from = now
        to = now.map(pick)
      }
      return to
    },
  }
}
