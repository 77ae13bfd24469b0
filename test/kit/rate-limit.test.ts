import { describe, expect, it } from 'vitest'
import { RateLimitedError } from '../../src/kit/errors.js'
import { rateLimit, tokenBucket } from '../../src/middleware/index.js'
import { ctx } from '../helpers/nop.js'

describe('tokenBucket', () => {
  it('admits a burst, then refills at the rate', () => {
    let t = 0
    const bucket = tokenBucket(10, 3, () => t)
    expect([bucket.allow(), bucket.allow(), bucket.allow(), bucket.allow()]).toEqual([true, true, true, false])
    expect(bucket.retryAfterMs()).toBe(100)
    t = 50
    expect(bucket.allow()).toBe(false)
    t = 100
    expect(bucket.allow()).toBe(true)
    t = 10_000
    expect([bucket.allow(), bucket.allow(), bucket.allow(), bucket.allow()]).toEqual([true, true, true, false])
  })

  it('refuses a nonsensical policy at construction', () => {
    expect(() => tokenBucket(0)).toThrow(RangeError)
    expect(() => tokenBucket(5, 0.5)).toThrow(RangeError)
  })
})

describe('rateLimit', () => {
  it('rejects calls over the limit with RateLimitedError carrying when to retry', async () => {
    let calls = 0
    const e = rateLimit(tokenBucket(2, 2, () => 0))(async () => ++calls)
    await e(ctx(), undefined)
    await e(ctx(), undefined)
    const err = await e(ctx(), undefined).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(RateLimitedError)
    expect((err as RateLimitedError).retryAfterMs).toBe(500)
    expect((err as RateLimitedError).status).toBe(429)
    expect(calls).toBe(2)
  })
})
