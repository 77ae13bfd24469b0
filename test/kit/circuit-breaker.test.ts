import { describe, expect, it } from 'vitest'
import { CircuitOpenError, DomainError, KitError, RateLimitedError, UnauthenticatedError } from '../../src/kit/errors.js'
import { circuitBreaker } from '../../src/middleware/index.js'
import { ctx } from '../helpers/nop.js'

class NoError extends DomainError {
  readonly code = 'NO'
  constructor() {
    super('the business said no')
  }
}

/** target is an endpoint whose behaviour the test switches: ok, a fault, or a domain error. */
function target() {
  const state = { mode: 'ok' as 'ok' | 'fault' | 'domain', calls: 0 }
  const e = async (_c: unknown, n: number) => {
    state.calls++
    if (state.mode === 'fault') throw new Error('connection reset')
    if (state.mode === 'domain') throw new NoError()
    return n
  }
  return { state, e }
}

describe('circuitBreaker', () => {
  it('opens after faults, fails fast with CircuitOpenError, and closes after a good trial call', async () => {
    const { state, e } = target()
    const states: string[] = []
    const guarded = circuitBreaker({ name: 'test.target', volumeThreshold: 4, resetTimeoutMs: 100, onStateChange: (s) => states.push(s) })(e)
    state.mode = 'fault'
    for (let i = 0; i < 4; i++) await expect(guarded(ctx(), i)).rejects.toThrow('connection reset')
    const callsWhenOpened = state.calls
    const open = await guarded(ctx(), 9).catch((x: unknown) => x)
    expect(open).toBeInstanceOf(CircuitOpenError)
    expect((open as CircuitOpenError).status).toBe(503)
    expect((open as Error).message).toBe('circuit breaker is open: test.target')
    expect(state.calls).toBe(callsWhenOpened)

    state.mode = 'ok'
    await new Promise((r) => setTimeout(r, 150))
    expect(await guarded(ctx(), 7)).toBe(7)
    expect(await guarded(ctx(), 8)).toBe(8)
    expect(states).toEqual(['open', 'halfOpen', 'close'])
  })

  it('never counts domain errors: they pass through and the circuit stays closed', async () => {
    const { state, e } = target()
    const guarded = circuitBreaker({ name: 'test.domain', volumeThreshold: 2 })(e)
    state.mode = 'domain'
    for (let i = 0; i < 20; i++) await expect(guarded(ctx(), i)).rejects.toBeInstanceOf(NoError)
    state.mode = 'ok'
    expect(await guarded(ctx(), 1)).toBe(1)
    expect(state.calls).toBe(21)
  })

  it('never counts a refusal of the request (4xx) but counts 429, which is the target shedding load', async () => {
    let err: Error = new UnauthenticatedError('invalid token', 'Bearer realm="test"')
    let calls = 0
    const guarded = circuitBreaker({ name: 'test.refused', volumeThreshold: 2 })(async () => {
      calls++
      throw err
    })
    for (let i = 0; i < 10; i++) await expect(guarded(ctx(), 0)).rejects.toBeInstanceOf(UnauthenticatedError)
    err = new KitError('BAD_REQUEST', 400, 'bad')
    for (let i = 0; i < 10; i++) await expect(guarded(ctx(), 0)).rejects.toBeInstanceOf(KitError)
    expect(calls).toBe(20)
    const shedding = circuitBreaker({ name: 'test.shedding', volumeThreshold: 2 })(async () => {
      throw new RateLimitedError()
    })
    for (let i = 0; i < 3; i++) await shedding(ctx(), 0).catch(() => {})
    await expect(shedding(ctx(), 0)).rejects.toBeInstanceOf(CircuitOpenError)
  })
})
