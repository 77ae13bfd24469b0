import { describe, expect, it } from 'vitest'
import type { Context } from '../../src/kit/context.js'
import { withDeadline } from '../../src/kit/deadline.js'
import { CancelledError, DeadlineExceededError } from '../../src/kit/errors.js'
import { timeout } from '../../src/middleware/index.js'
import { ctx } from '../helpers/nop.js'

/** slow is an endpoint that ignores its signal and answers after ms, recording whether it saw the abort. */
function slow(ms: number) {
  const seen = { aborted: false, deadline: undefined as number | undefined }
  const e = (c: Context, v: string) =>
    new Promise<string>((resolve) => {
      seen.deadline = c.deadline
      c.signal.addEventListener('abort', () => (seen.aborted = true))
      setTimeout(() => resolve(v), ms)
    })
  return { seen, e }
}

describe('timeout', () => {
  it('fails a slow call at the deadline, not when the callee answers, and tells the callee', async () => {
    const { seen, e } = slow(1_000)
    const started = Date.now()
    const err = await timeout(50)(e)(ctx(), 'x').catch((x: unknown) => x)
    const took = Date.now() - started
    expect(err).toBeInstanceOf(DeadlineExceededError)
    expect((err as DeadlineExceededError).status).toBe(504)
    expect(took).toBeGreaterThanOrEqual(45)
    expect(took).toBeLessThan(500)
    expect(seen.aborted).toBe(true)
    expect(seen.deadline).toBeGreaterThanOrEqual(started + 50)
  })

  it('lets a fast call through untouched', async () => {
    const { seen, e } = slow(1)
    expect(await timeout(1_000)(e)(ctx(), 'ok')).toBe('ok')
    expect(seen.aborted).toBe(false)
  })

  it('keeps the tighter of two deadlines', async () => {
    const { seen, e } = slow(1_000)
    const outer = Date.now() + 40
    const err = await withDeadline(ctx(), outer, (c) => timeout(5_000)(e)(c, 'x')).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(DeadlineExceededError)
    expect(seen.deadline).toBe(outer)
  })

  it('turns the caller going away into CancelledError', async () => {
    const { e } = slow(1_000)
    const ac = new AbortController()
    const call = timeout(5_000)(e)({ ...ctx(), signal: ac.signal }, 'x')
    setTimeout(() => ac.abort(), 20)
    await expect(call).rejects.toBeInstanceOf(CancelledError)
  })
})
