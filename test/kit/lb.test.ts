// Load balancing and retry against real HTTP servers on loopback: the real
// kit stack serving the test-only echosvc, a port where nothing listens
// (connection refused), a server that answers 500 and one that is slow. Faults are retried on another
// instance; domain errors are answered once and never retried; the final
// error says how many attempts failed and keeps a 503/504 status.
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Endpoint } from '../../src/kit/endpoint.js'
import { CircuitOpenError, DeadlineExceededError, KitError } from '../../src/kit/errors.js'
import * as lb from '../../src/kit/lb/index.js'
import * as sd from '../../src/kit/sd/index.js'
import * as mw from '../../src/middleware/index.js'
import * as echosvc from '../helpers/echosvc.js'
import { ctx } from '../helpers/nop.js'
import { freePort } from '../helpers/net.js'

const servers: FastifyInstance[] = []
let live: string
let live2: string
let dead: string
let failing: string
let slow: string
const hits = new Map<string, number>()

/** instance serves the real echosvc stack and counts the requests it receives. */
async function instance(): Promise<string> {
  const app = await echosvc.server()
  let url = ''
  app.addHook('onRequest', async () => void hits.set(url, (hits.get(url) ?? 0) + 1))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
  servers.push(app)
  return url
}

beforeAll(async () => {
  live = await instance()
  live2 = await instance()
  dead = `http://127.0.0.1:${await freePort()}`
  const f = Fastify()
  f.post('/echo', async (_req, reply) => reply.code(500).send({ error: 'internal error', code: 'INTERNAL' }))
  failing = await f.listen({ host: '127.0.0.1', port: 0 })
  servers.push(f)
  const s = Fastify()
  s.post('/echo', async () => new Promise((r) => setTimeout(() => r({ v: 'late' }), 1000)))
  slow = await s.listen({ host: '127.0.0.1', port: 0 })
  servers.push(s)
})
afterAll(async () => {
  for (const s of servers) await s.close()
})

const client = (targets: string[], opts: Partial<lb.BalanceOptions> = {}) =>
  echosvc.toService(lb.balance(sd.fixed(targets), echosvc.clients(), { name: 'echosvc', ...opts }))

describe('balancers', () => {
  const source = { endpoints: () => ['a', 'b', 'c'] }
  it('roundRobin cycles in order and skips what it is asked to avoid', () => {
    const rr = lb.roundRobin(source)
    expect([rr.next(), rr.next(), rr.next(), rr.next()]).toEqual(['a', 'b', 'c', 'a'])
    expect(rr.next(new Set(['b', 'c']))).toBe('a')
    expect(rr.next(new Set(['a', 'b', 'c']))).toMatch(/^[abc]$/)
  })
  it('random picks among the items not avoided', () => {
    const r = lb.random(source, 'x', () => 0.99)
    expect(r.next()).toBe('c')
    expect(r.next(new Set(['c']))).toBe('b')
  })
  it('throws NoEndpointsError (503) when there is no instance', () => {
    const err = (() => {
      try {
        lb.roundRobin({ endpoints: () => [] }, 'echosvc').next()
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(lb.NoEndpointsError)
    expect((err as KitError).status).toBe(503)
  })
})

describe('retry over real instances', () => {
  it('spreads calls over the instances and retries a refused connection on the live one', async () => {
    hits.clear()
    const svc = client([dead, live, live2])
    for (let i = 1; i <= 12; i++) expect(await svc.echo(ctx(), `m${i}`)).toBe(`m${i}`)
    expect(hits.get(live)).toBeGreaterThanOrEqual(4)
    expect(hits.get(live2)).toBeGreaterThanOrEqual(4)
  })

  it('retries a 5xx on another instance', async () => {
    hits.clear()
    const svc = client([failing, live])
    for (let i = 0; i < 4; i++) expect(await svc.echo(ctx(), 'again')).toBe('again')
    expect(hits.get(live)).toBe(4)
  })

  it('answers a domain error once, unchanged, without retrying', async () => {
    hits.clear()
    const svc = client([live, live2])
    await expect(svc.echo(ctx(), '')).rejects.toBeInstanceOf(echosvc.EmptyError)
    expect((hits.get(live) ?? 0) + (hits.get(live2) ?? 0)).toBe(1)
  })

  it('gives up after maxAttempts with a RetryError that counts them and keeps a 503', async () => {
    const svc = client([dead, failing], { maxAttempts: 3 })
    const err = await svc.echo(ctx(), 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(lb.RetryError)
    const r = err as lb.RetryError
    expect(r.attempts).toBe(3)
    expect(r.message).toMatch(/^echosvc: 3 attempts failed; last: /)
    expect(r.status).toBe(503)
  })

  it('stops at its time budget with a 504 naming the deadline, long before the slow instance answers', async () => {
    const svc = client([slow], { timeoutMs: 100, maxAttempts: 3 })
    const start = performance.now()
    const err = await svc.echo(ctx(), 'x').catch((e: unknown) => e)
    const took = performance.now() - start
    expect(err).toBeInstanceOf(lb.RetryError)
    expect((err as lb.RetryError).status).toBe(504)
    expect((err as lb.RetryError).code).toBe('DEADLINE_EXCEEDED')
    expect((err as Error).message).toMatch(/1 attempt failed; last: deadline exceeded/)
    expect(took).toBeLessThan(400)
  })
})

describe('balance', () => {
  it('balances every method of the record, with one breaker per instance and method', async () => {
    const opened: string[] = []
    const e = lb.balance(sd.fixed([dead, live]), (u) => echosvc.httpClient(u), {
      name: 'echosvc',
      perInstance: (instance, method) =>
        mw.circuitBreaker({ name: `${method}@${instance}`, volumeThreshold: 3, onStateChange: (s) => s === 'open' && opened.push(`${method}@${instance}`) }),
    })
    const svc = echosvc.toService(e)
    for (let i = 0; i < 10; i++) {
      expect(await svc.echo(ctx(), `m${i}`)).toBe(`m${i}`)
      // fail answers its domain error from the live instance; the dead one's refusals are faults.
      await expect(svc.fail(ctx(), 'EMPTY')).rejects.toBeInstanceOf(echosvc.EmptyError)
    }
    expect(opened.sort()).toEqual([`echo@${dead}`, `fail@${dead}`])
    // With the dead instance's breakers open, calls still succeed, now without touching it.
    hits.clear()
    expect(await svc.echo(ctx(), 'after')).toBe('after')
    expect(hits.get(live)).toBe(1)
  })

  it('is generic over any record of endpoints and fails fast with no instances', async () => {
    const rec = lb.balance(sd.fixed([]), (u): { ping: Endpoint<{ n: number }, { u: string; n: number }> } => ({ ping: async (_c, r) => ({ u, n: r.n }) }), { name: 'ping' })
    await expect(rec.ping(ctx(), { n: 1 })).rejects.toBeInstanceOf(lb.NoEndpointsError)
    const two = lb.balance(sd.fixed(['http://a:1', 'http://b:1']), (u) => ({ ping: async (_c: unknown, r: { n: number }) => ({ u, n: r.n }) }), { name: 'ping' })
    const seen = new Set([(await two.ping(ctx(), { n: 1 })).u, (await two.ping(ctx(), { n: 2 })).u])
    expect(seen).toEqual(new Set(['http://a:1', 'http://b:1']))
  })

  it('turns a remote 500 into a 503 that names the remote reason', async () => {
    const err = await client([failing], { maxAttempts: 2 }).echo(ctx(), 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KitError)
    expect((err as KitError).code).toBe('UNAVAILABLE')
    expect((err as KitError).status).toBe(503)
    expect((err as KitError).message).toBe('echosvc: 2 attempts failed; last: internal error')
  })
})

describe('isUnsent', () => {
  it('holds only for failures that prove the call never reached an instance', async () => {
    const refused = echosvc.httpClient(`http://127.0.0.1:${await freePort()}`)
    const err = await refused.echo(ctx(), { s: 'x' }).catch((x: unknown) => x)
    expect(lb.isUnsent(err)).toBe(true)
    expect(lb.isUnsent(new CircuitOpenError('x'))).toBe(true)
    expect(lb.isUnsent(new KitError('UNAVAILABLE', 503, 'database unavailable'))).toBe(false)
    expect(lb.isUnsent(new DeadlineExceededError())).toBe(false)
    expect(lb.isUnsent(new echosvc.EmptyError())).toBe(false)
  })
})

describe('balance when an instance disappears', () => {
  it('tells its per-instance middlewares, so its breakers are shut down', async () => {
    const answers = { a: [{ address: '10.0.0.1', family: 4 }, { address: '10.0.0.2', family: 4 }] }
    const resolver: sd.Resolver = { lookup: async () => answers.a, resolveSrv: async () => [] }
    const instancer = sd.dns('dns://svc:8081', { everyMs: 20, resolver })
    const dropped = new Map<string, AbortSignal>()
    try {
      lb.balance(instancer, (u) => echosvc.httpClient(u), {
        name: 'echosvc',
        perInstance: (instance, method, gone) => {
          if (method === 'echo') dropped.set(instance, gone)
          return mw.circuitBreaker({ name: `${method}@${instance}`, until: gone })
        },
      })
      await vi.waitFor(() => expect([...dropped.keys()].sort()).toEqual(['http://10.0.0.1:8081', 'http://10.0.0.2:8081']))
      answers.a = [{ address: '10.0.0.2', family: 4 }]
      await vi.waitFor(() => expect(dropped.get('http://10.0.0.1:8081')?.aborted).toBe(true))
      expect(dropped.get('http://10.0.0.2:8081')?.aborted).toBe(false)
    } finally {
      instancer.stop()
    }
  })
})

describe('circuitBreaker until', () => {
  it('shuts the breaker down when its signal aborts: no timer left, calls refused', async () => {
    const gone = new AbortController()
    const guarded = mw.circuitBreaker({ name: 'dropped', until: gone.signal })(async (_c, n: number) => n)
    expect(await guarded(ctx(), 1)).toBe(1)
    gone.abort()
    await expect(guarded(ctx(), 2)).rejects.toThrow(/shut ?down/i)
  })
})
