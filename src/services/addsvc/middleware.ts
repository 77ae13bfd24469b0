/**
 * Service middlewares are for concerns that need the business domain (Go kit
 * FAQ, "Design"): here, how many integers were summed and how many characters
 * concatenated. Generic concerns (logging, latency) are endpoint middlewares.
 */
import type { Counter } from '../../kit/metrics.js'
import type { Service } from './service.js'

/** Middleware describes a service (as opposed to endpoint) middleware. */
export type Middleware = (next: Service) => Service

/**
 * instrumentingMiddleware counts the integers summed and the UTF-8 bytes
 * concatenated. Go kit adds the sum itself to its counter, which a negative
 * sum would make go down (Prometheus counters only rise); we count what its
 * help text says: integers summed, two per successful call.
 */
export function instrumentingMiddleware(ints: Counter, chars: Counter): Middleware {
  return (next) => ({
    async sum(ctx, a, b) {
      const v = await next.sum(ctx, a, b)
      ints.add(2)
      return v
    },
    async concat(ctx, a, b) {
      const v = await next.concat(ctx, a, b)
      chars.add(Buffer.byteLength(v))
      return v
    },
  })
}
