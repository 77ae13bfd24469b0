// The kit's policy errors through a real HTTP server: a rate limit is a 429
// with Retry-After, an open circuit a 503, a passed deadline a 504, and a bug
// an opaque 500 — each with the {"error", "code"} body. The service here is a
// test double standing in for a failing or slow dependency.
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as addendpoint from '../../src/endpoints/addsvc/index.js'
import { chain } from '../../src/kit/endpoint.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as mw from '../../src/middleware/index.js'
import type * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { log } from '../helpers/nop.js'

let app: FastifyInstance
// sum faults for a = 13, is slow for a = 7, and throws a plain bug for a = 99.
const flaky: addservice.Service = {
  async sum(_ctx, a, b) {
    if (a === 13) throw new Error('dependency reset the connection')
    if (a === 7) await new Promise((r) => setTimeout(r, 2_000))
    if (a === 99) throw new TypeError("Cannot read properties of undefined (reading 'x')")
    return a + b
  },
  async concat(_ctx, a, b) {
    return a + b
  },
}

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0' })
  const sum = chain(mw.timeout(100), mw.circuitBreaker({ name: 'addsvc.sum', volumeThreshold: 3, resetTimeoutMs: 60_000 }))(
    addendpoint.makeSumEndpoint(flaky),
  )
  const concat = mw.rateLimit(mw.tokenBucket(2, 2))(addendpoint.makeConcatEndpoint(flaky))
  await app.register(addtransport.httpRoutes({ sum, concat }, log))
  await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => app.close())

describe('policy errors over HTTP', () => {
  it('answers a call over the rate with 429, Retry-After and RATE_LIMITED', async () => {
    const statuses = []
    let limited: request.Response | undefined
    for (let i = 0; i < 4; i++) {
      const res = await request(app.server).post('/concat').send({ a: 'a', b: 'b' })
      statuses.push(res.status)
      if (res.status === 429) limited = res
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200])
    expect(limited?.body).toEqual({ error: 'rate limit exceeded', code: 'RATE_LIMITED' })
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  })

  it('answers a slow call with 504 at the deadline', async () => {
    const started = Date.now()
    const res = await request(app.server).post('/sum').send({ a: 7, b: 1 })
    expect(res.status).toBe(504)
    expect(res.body).toEqual({ error: 'deadline exceeded', code: 'DEADLINE_EXCEEDED' })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('answers a bug with an opaque 500 that leaks nothing', async () => {
    const res = await request(app.server).post('/sum').send({ a: 99, b: 1 })
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ error: 'internal error', code: 'INTERNAL' })
  })

  it('opens the circuit after faults and answers 503 CIRCUIT_OPEN without calling the service', async () => {
    for (let i = 0; i < 3; i++) await request(app.server).post('/sum').send({ a: 13, b: 1 })
    const res = await request(app.server).post('/sum').send({ a: 1, b: 1 })
    expect(res.status).toBe(503)
    expect(res.body).toEqual({ error: 'circuit breaker is open: addsvc.sum', code: 'CIRCUIT_OPEN' })
  })
})
