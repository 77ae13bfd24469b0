/**
 * rateLimit rejects calls over a rate with RateLimitedError (HTTP 429 with
 * Retry-After) instead of queueing them: under overload, a fast refusal keeps
 * latency bounded for the calls that are admitted. tokenBucket is the usual
 * limiter: `rate` tokens a second, at most `burst` saved up.
 *
 * perClient gives each client its own bucket, keyed by the authenticated
 * subject (ctx.claims.sub), else the client's address (ctx.peer). Its table
 * of buckets is bounded: past maxKeys, the least recently seen client is
 * forgotten (a Map keeps insertion order, and a hit moves its key to the
 * end), so a flood of distinct keys costs at most maxKeys buckets of memory.
 * A forgotten client starts again with a full bucket, which is the price of
 * the bound.
 */
import type { Context } from '../kit/context.js'
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

/** PerClientOptions bound the per-client limiter. */
export interface PerClientOptions {
  /** maxKeys is the most clients remembered at once (default 10 000). */
  readonly maxKeys?: number
  /** burst is each client's bucket size (default: rate). */
  readonly burst?: number
  readonly now?: () => number
}

/**
 * clientKeyOf names the client of a call: its subject when authenticated,
 * else its address; undefined when it has neither (a NATS or Thrift call, or
 * an in-process one), which the per-client limit lets through rather than
 * pooling every such caller in one bucket: the per-endpoint limit still applies.
 */
export function clientKeyOf(ctx: Context): string | undefined {
  const sub = ctx.claims?.sub
  if (sub !== undefined) return `sub:${sub}`
  return ctx.peer === undefined ? undefined : `peer:${ctx.peer}`
}

/** PerClient is the per-client limit middleware, with its key table's size for observation. */
export type PerClient = Middleware & { readonly size: () => number }

/** perClient returns a middleware admitting rate requests a second per client, over every endpoint it wraps. */
export function perClient(rate: number, opts: PerClientOptions = {}): PerClient {
  const maxKeys = opts.maxKeys ?? 10_000
  if (!(maxKeys >= 1)) throw new RangeError(`perClient: maxKeys must be >= 1, got ${maxKeys}`)
  const burst = opts.burst ?? rate
  tokenBucket(rate, burst) // validates rate and burst once, up front
  const buckets = new Map<string, Allower>()
  const bucketOf = (key: string): Allower => {
    let bucket = buckets.get(key)
    if (bucket === undefined) {
      bucket = opts.now ? tokenBucket(rate, burst, opts.now) : tokenBucket(rate, burst)
      if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string)
    } else {
      buckets.delete(key)
    }
    buckets.set(key, bucket)
    return bucket
  }
  const middleware: Middleware = (next) =>
    function clientLimited(ctx, req) {
      const key = clientKeyOf(ctx)
      if (key === undefined) return next(ctx, req)
      const bucket = bucketOf(key)
      if (!bucket.allow()) return Promise.reject(new RateLimitedError(bucket.retryAfterMs()))
      return next(ctx, req)
    }
  return Object.assign(middleware, { size: () => buckets.size })
}
