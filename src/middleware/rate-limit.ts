/**
 * rateLimit rejects calls over a rate with RateLimitedError (HTTP 429 with
 * Retry-After) instead of queueing them: under overload, a fast refusal keeps
 * latency bounded for the calls that are admitted. tokenBucket is the usual
 * limiter: `rate` tokens a second, at most `burst` saved up.
 */
import type { Middleware } from '../kit/endpoint.js'
import { RateLimitedError } from '../kit/errors.js'

/** Allower dictates whether a request may run now, and when the next one could. */
export interface Allower {
  allow(): boolean
  /** retryAfterMs is how long until allow() would next return true. */
  retryAfterMs(): number
}

/** rateLimit returns a middleware that rejects requests limit does not allow. */
export function rateLimit(limit: Allower): Middleware {
  return (next) =>
    function rateLimited(ctx, req) {
      if (!limit.allow()) return Promise.reject(new RateLimitedError(limit.retryAfterMs()))
      return next(ctx, req)
    }
}

/** tokenBucket returns an Allower admitting rate requests a second on average, burst at once. */
export function tokenBucket(rate: number, burst = rate, now: () => number = performance.now.bind(performance)): Allower {
  if (!(rate > 0) || !(burst >= 1)) throw new RangeError(`tokenBucket: rate must be > 0 and burst >= 1, got ${rate}, ${burst}`)
  let tokens = burst
  let last = now()
  const refill = (): void => {
    const t = now()
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000)
    last = t
  }
  return {
    allow() {
      refill()
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
    retryAfterMs() {
      refill()
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / rate)
    },
  }
}
