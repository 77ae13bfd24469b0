/**
 * A Balancer picks one of the items an Endpointer holds for each call (Go
 * kit's lb.Balancer, whose balancer.go is 15 lines). Round robin spreads load
 * evenly; random needs no shared counter. Both accept a set of items to avoid,
 * so a retry goes to an instance it has not tried yet whenever one is left:
 * with one instance down, a retried call never lands on it twice.
 */
import { KitError } from '../errors.js'
import type { Endpointer } from '../sd/endpointer.js'

/** NoEndpointsError says a service has no instance to call right now (HTTP 503). */
export class NoEndpointsError extends KitError {
  constructor(name = 'remote service') {
    super('NO_ENDPOINTS', 503, `${name}: no instances available`)
  }
}

/** Balancer picks the item the next call goes to. */
export interface Balancer<T> {
  /** next returns an item not in avoid if there is one, else any; it throws NoEndpointsError when there are none. */
  next(avoid?: ReadonlySet<T>): T
}

/** Source is what a balancer draws from: an Endpointer, or a view of one. */
export type Source<T> = Pick<Endpointer<T>, 'endpoints'>

/** roundRobin returns a Balancer that cycles through the items in order. */
export function roundRobin<T>(source: Source<T>, name?: string): Balancer<T> {
  let counter = 0
  return {
    next(avoid) {
      const items = source.endpoints()
      const n = items.length
      if (n === 0) throw new NoEndpointsError(name)
      for (let i = 0; i < n; i++) {
        const item = items[(counter++ & 0x7fffffff) % n] as T
        if (!avoid?.has(item)) return item
      }
      return items[(counter++ & 0x7fffffff) % n] as T
    },
  }
}

/** random returns a Balancer that picks uniformly among the items not avoided. */
export function random<T>(source: Source<T>, name?: string, rand: () => number = Math.random): Balancer<T> {
  return {
    next(avoid) {
      const items = source.endpoints()
      if (items.length === 0) throw new NoEndpointsError(name)
      const fresh = avoid && avoid.size > 0 ? items.filter((i) => !avoid.has(i)) : items
      const pool = fresh.length > 0 ? fresh : items
      return pool[Math.floor(rand() * pool.length)] as T
    },
  }
}
