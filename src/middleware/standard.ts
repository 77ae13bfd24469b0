/**
 * standard is the endpoint policy every service applies to its methods, so a
 * service's endpoints.ts says only what differs: which methods are rate
 * limited, and by how much. Outermost first: metrics, a span, logs (inside
 * the span, so they carry its trace id), authentication for the methods main
 * says need it, the per-client limit, the rate limit, then the breaker.
 * Authentication comes before the per-client limit so that the limit can key
 * an authenticated caller by its subject rather than its address, and before
 * any limit so that an unauthenticated flood never spends a real caller's
 * tokens; refusals are still logged and counted.
 * The rate limit stands outside the breaker (Go kit has it inside), so that
 * refusing excess traffic never counts as the service failing.
 *
 * At an edge (the endpoints stand in front of a remote client, not the
 * service itself) the chain stops after authentication and the per-client
 * limit, so an edge refuses an unauthenticated write before it calls the
 * remote instance; the instance behind it applies its own limit and
 * breaker, and the client has a breaker per instance (kit/lb), so a second
 * set here would only cost time. The edge's
 * duration series carry role="edge", the instance's role="server", so a
 * dashboard summing over processes counts each call once (sum role="server").
 */
import { chain, type Middleware, nop } from '../kit/endpoint.js'
import type { Logger } from '../kit/log.js'
import type { Histogram } from '../kit/metrics.js'
import type { Tracer } from '../kit/tracing.js'
import { circuitBreaker } from './circuit-breaker.js'
import { instrumenting } from './instrumenting.js'
import { logging } from './logging.js'
import { rateLimit, tokenBucket } from './rate-limit.js'
import { tracing } from './tracing.js'

/** EndpointDeps are what every service's endpoints.make takes from main: collaborators and per-method policy. */
export interface EndpointDeps<Method extends string = string> {
  readonly log: Logger
  /** duration is labelled service, method, role, transport and outcome; the policy binds the first three. */
  readonly duration: Histogram
  readonly tracer: Tracer
  /** limits are requests per second per method (<METHOD>_RATE_LIMIT); a method without one is not limited. */
  readonly limits?: Readonly<Partial<Record<Method, number>>>
  /** edge is true when the endpoints wrap a remote client rather than the service itself. */
  readonly edge?: boolean
  /** auth is the authentication middleware of each method that needs one (middleware/auth's authenticate); others are open. */
  readonly auth?: Readonly<Partial<Record<Method, Middleware>>> | undefined
  /** clientLimit is the per-client limit (perClient) applied to every method, shared across them. */
  readonly clientLimit?: Middleware | undefined
}

/** standard returns the per-method policy of one service: policy(method) is the middleware for that method. */
export function standard<Method extends string>(service: string, deps: EndpointDeps<Method>): (method: Method) => Middleware {
  const role = deps.edge === true ? 'edge' : 'server'
  return (method) => {
    const observed = chain(
      instrumenting(deps.duration.with({ service, method, role })),
      tracing(deps.tracer, `${service}.${method}`),
      logging(deps.log.with({ service, method })),
      deps.auth?.[method] ?? nop,
      deps.clientLimit ?? nop,
    )
    if (deps.edge === true) return observed
    const rate = deps.limits?.[method]
    const breaker = circuitBreaker({ name: `${service}.${method}` })
    return rate === undefined ? chain(observed, breaker) : chain(observed, rateLimit(tokenBucket(rate)), breaker)
  }
}
