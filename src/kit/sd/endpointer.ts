/**
 * An Endpointer turns the instances an Instancer publishes into something
 * callable, one per instance, built by a factory (Go kit's sd.Endpointer). It
 * keeps what it built for an instance for as long as the instance is listed,
 * so per-instance state (a circuit breaker, a rate limit, a connection pool)
 * survives re-resolution, and drops it when the instance disappears. What is
 * built is generic: one Endpoint, or a whole Endpoints record (see lb.balance).
 */
import type { Instancer } from './instancer.js'

/** Endpointer holds one built T per current instance, in a stable (sorted by instance) order. */
export interface Endpointer<T> {
  /** endpoints returns the current items; the same array until the instances change. */
  endpoints(): readonly T[]
  /** instances returns the instance URLs the items were built for, in the same order. */
  instances(): readonly string[]
  /** close stops listening to the instancer (it does not stop the instancer). */
  close(): void
}

/** EndpointerOptions observe the endpointer's cache. */
export interface EndpointerOptions<T> {
  /** onDrop is told when an instance disappears and its item is discarded. */
  readonly onDrop?: (instance: string, item: T) => void
}

/** endpointer returns an Endpointer that builds factory(instance) once per instance listed by instancer. */
export function endpointer<T>(instancer: Instancer, factory: (instance: string) => T, opts: EndpointerOptions<T> = {}): Endpointer<T> {
  let cache = new Map<string, T>()
  let items: readonly T[] = []
  let names: readonly string[] = []
  const unsubscribe = instancer.subscribe((event) => {
    const next = new Map<string, T>()
    for (const instance of event.instances) next.set(instance, cache.get(instance) ?? factory(instance))
    for (const [instance, item] of cache) if (!next.has(instance)) opts.onDrop?.(instance, item)
    cache = next
    names = [...next.keys()].sort()
    items = names.map((n) => next.get(n) as T)
  })
  return {
    endpoints: () => items,
    instances: () => names,
    close: unsubscribe,
  }
}
