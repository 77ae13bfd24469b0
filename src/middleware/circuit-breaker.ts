/**
 * circuitBreaker adapts opossum, as Go kit's circuitbreaker.Gobreaker adapts
 * sony/gobreaker. When recent calls mostly failed, the circuit opens and
 * calls fail at once with CircuitOpenError (HTTP 503) until a trial call
 * succeeds. Only faults count: a DomainError, or a caller that gave up, is
 * handed through as a successful call from the breaker's point of view,
 * because a business refusal says nothing about the health of the target
 * (Go kit FAQ, "Errors"). opossum's errorFilter says which: in the pinned
 * major (9) a filtered error counts as a success and still rejects the call.
 *
 * Defaults are set for speed: opossum's own per-call timer and latency
 * percentiles are off (deadlines are the timeout middleware's job), so the
 * breaker adds bookkeeping only.
 */
import CircuitBreaker from 'opossum'
import type { Endpoint, Middleware } from '../kit/endpoint.js'
import { CancelledError, CircuitOpenError, isDomainError, KitError } from '../kit/errors.js'

/** BreakerOptions is the policy of one breaker; every field has a sensible default. */
export interface BreakerOptions {
  /** name appears in CircuitOpenError and in logs. */
  readonly name: string
  /** errorThresholdPercentage of faults in the rolling window opens the circuit (default 50). */
  readonly errorThresholdPercentage?: number
  /** volumeThreshold is the calls needed in the window before it may open (default 10). */
  readonly volumeThreshold?: number
  /** rollingCountTimeoutMs is the statistical window (default 10 000). */
  readonly rollingCountTimeoutMs?: number
  /** resetTimeoutMs is how long the circuit stays open before a trial call (default 5 000). */
  readonly resetTimeoutMs?: number
  /** onStateChange is told when the circuit opens, half-opens or closes. */
  readonly onStateChange?: (state: 'open' | 'halfOpen' | 'close') => void
  /** until, when it aborts, shuts the breaker down (its statistics timer), e.g. when its instance is dropped. */
  readonly until?: AbortSignal
}

/**
 * passesThrough reports errors that must reach the caller without counting
 * against the target: business refusals, a caller that gave up, and the
 * target refusing this request (a 4xx such as a bad or missing credential),
 * which says nothing about its health. 429 still counts: the target is
 * shedding load, and backing off is what a breaker is for.
 */
function passesThrough(err: unknown): boolean {
  if (isDomainError(err) || err instanceof CancelledError) return true
  return err instanceof KitError && err.status >= 400 && err.status < 500 && err.status !== 429
}

/** circuitBreaker returns a middleware with one breaker for each endpoint it wraps. */
export function circuitBreaker(opts: BreakerOptions): Middleware {
  return <Req, Res>(next: Endpoint<Req, Res>): Endpoint<Req, Res> => {
    const breaker = new CircuitBreaker(next, {
      name: opts.name,
      timeout: false,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorThresholdPercentage: opts.errorThresholdPercentage ?? 50,
      volumeThreshold: opts.volumeThreshold ?? 10,
      rollingCountTimeout: opts.rollingCountTimeoutMs ?? 10_000,
      resetTimeout: opts.resetTimeoutMs ?? 5_000,
      errorFilter: passesThrough,
    })
    opts.until?.addEventListener('abort', () => breaker.shutdown(), { once: true })
    if (opts.onStateChange) {
      const tell = opts.onStateChange
      breaker.on('open', () => tell('open'))
      breaker.on('halfOpen', () => tell('halfOpen'))
      breaker.on('close', () => tell('close'))
    }
    // An open circuit refuses here, as opossum would (closed, or half-open
    // awaiting its trial call, lets the call through; a shut-down breaker is
    // opossum's to refuse), so a call costs no promise to translate EOPENBREAKER.
    return function breakered(ctx, req) {
      if (!breaker.isShutdown && !breaker.closed && !breaker.pendingClose) return Promise.reject(new CircuitOpenError(opts.name))
      return breaker.fire(ctx, req)
    }
  }
}
