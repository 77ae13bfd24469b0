/**
 * @module Generic endpoint middlewares: each is `factory(policy) => Middleware`,
 * composable with kit/endpoint's chain. Business-aware middlewares live with
 * their service instead (src/services/<svc>/middleware.ts).
 */
export { authenticate, sign } from './auth.js'
export { circuitBreaker, type BreakerOptions } from './circuit-breaker.js'
export { instrumenting } from './instrumenting.js'
export { logging } from './logging.js'
export { Outcome, outcomeOf } from './outcome.js'
export { clientKeyOf, perClient, rateLimit, tokenBucket, type Allower, type PerClient, type PerClientOptions } from './rate-limit.js'
export { timeout } from './timeout.js'
export { tracing } from './tracing.js'
export { type EndpointDeps, standard } from './standard.js'
