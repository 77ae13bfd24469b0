// The kit's policy errors through a real HTTP server: a rate limit is a 429
// with Retry-After, an open circuit a 503, a passed deadline a 504, and a bug
// an opaque 500 — each with the {"error", "code"} body. The service here is a
// test double of echosvc standing in for a failing or slow dependency.
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../src/kit/endpoint.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as mw from '../../src/middleware/index.js'
import * as echosvc from '../helpers/echosvc.js'
import { log } from '../helpers/nop.js'

let app: FastifyInstance
let calls = 0
// echo faults for "fault", is slow for "slow", and throws a plain bug for "bug"; fail is the real one.
const flaky: echosvc.Service = {
  async echo(_ctx, s) {
    calls++
    if (s === 'fault') throw new Error('dependency reset the connection')
    if (s === 'slow') await new Promise((r) => setTimeout(r, 2_000))
    if (s === 'bug') throw new TypeError("Cannot read properties of undefined (reading 'x')")
    return s
  },
  fail: echosvc.makeBasic().fail,
}

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0' })
  const echo = chain(mw.timeout(100), mw.circuitBreaker({ name: 'echosvc.echo', volumeThreshold: 3, resetTimeoutMs: 60_000 }))(
    echosvc.makeEchoEndpoint(flaky),
  )
  const fail = mw.rateLimit(mw.tokenBucket(2, 2))(echosvc.makeFailEndpoint(flaky))
  await app.register(echosvc.httpRoutes({ echo, fail }, log))
  await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => app.close())

describe('policy errors over HTTP', () => {
  it('answers a call over the rate with 429, Retry-After and RATE_LIMITED', async () => {
    const statuses = []
    let limited: request.Response | undefined
    for (let i = 0; i < 4; i++) {
      const res = await request(app.server).get('/fail/EMPTY')
      statuses.push(res.status)
      if (res.status === 429) limited = res
    }
    // The first two reach the service and get its answer (EMPTY is a 400); the rest are refused.
    expect(statuses).toEqual([400, 400, 429, 429])
    expect(limited?.body).toEqual({ error: 'rate limit exceeded', code: 'RATE_LIMITED' })
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  })

  it('answers a slow call with 504 at the deadline', async () => {
    const started = Date.now()
    const res = await request(app.server).post('/echo').send({ s: 'slow' })
    expect(res.status).toBe(504)
    expect(res.body).toEqual({ error: 'deadline exceeded', code: 'DEADLINE_EXCEEDED' })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('answers a bug with an opaque 500 that leaks nothing', async () => {
    const res = await request(app.server).post('/echo').send({ s: 'bug' })
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ error: 'internal error', code: 'INTERNAL' })
  })

  it('opens the circuit after faults and answers 503 CIRCUIT_OPEN without calling the service', async () => {
    for (let i = 0; i < 3; i++) await request(app.server).post('/echo').send({ s: 'fault' })
    const before = calls
    const res = await request(app.server).post('/echo').send({ s: 'ok' })
    expect(res.status).toBe(503)
    expect(res.body).toEqual({ error: 'circuit breaker is open: echosvc.echo', code: 'CIRCUIT_OPEN' })
    expect(calls).toBe(before)
  })
})
