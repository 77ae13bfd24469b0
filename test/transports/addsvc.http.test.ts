// addsvc over HTTP through a listening fastify server: every row of the README's addsvc
// addsvc table, and every kind of bad input, each answered with a 4xx JSON
// {"error", "code"} that names the problem — never a 500, never a stack.
import { request as httpRequest } from 'node:http'
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as addendpoint from '../../src/endpoints/addsvc/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { log, metrics, tracer } from '../helpers/nop.js'

let app: FastifyInstance
let server: FastifyInstance['server']

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0' })
  const svc = addservice.make({ ints: metrics.counter, chars: metrics.counter })
  const endpoints = addendpoint.make(svc, { log, duration: metrics.histogram, tracer, limits: { sum: 1e6, concat: 1e6 } })
  await app.register(addtransport.httpRoutes(endpoints, log))
  await app.listen({ host: '127.0.0.1', port: 0 })
  server = app.server
})
afterAll(() => app.close())

const post = (path: string) => request(server).post(path)

/** expectFailure asserts a JSON failure body of our shape, with no stack in it. */
function expectFailure(res: request.Response, status: number, code: string, message: string | RegExp) {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(Object.keys(res.body as object).sort()).toEqual(['code', 'error'])
  expect(res.body.code).toBe(code)
  expect(res.body.error).toMatch(message)
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/)
}

describe('POST /sum', () => {
  it('answers {"v": a+b}', async () => {
    const res = await post('/sum').send({ a: 1, b: 2 })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ v: 3 })
  })

  it('reads a body without Content-Type as JSON, as Go kit clients send it', async () => {
    const { port } = server.address() as { port: number }
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/sum' }, (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end('{"a": 40, "b": 2}')
    })
    expect(answer).toEqual({ status: 200, body: '{"v":42}' })
  })

  it("answers two zeroes with 400 and Go kit's message", async () => {
    expectFailure(await post('/sum').send({ a: 0, b: 0 }), 400, 'TWO_ZEROES', /^can't sum two zeroes$/)
  })

  it('answers a result past int32 with 400 integer overflow, and the boundary itself with 200', async () => {
    expect((await post('/sum').send({ a: 2 ** 31 - 2, b: 1 })).body).toEqual({ v: 2 ** 31 - 1 })
    expect((await post('/sum').send({ a: -(2 ** 31) + 1, b: -1 })).body).toEqual({ v: -(2 ** 31) })
    expectFailure(await post('/sum').send({ a: 2 ** 31 - 1, b: 1 }), 400, 'INT_OVERFLOW', /^integer overflow$/)
    expectFailure(await post('/sum').send({ a: -(2 ** 31), b: -1 }), 400, 'INT_OVERFLOW', /^integer overflow$/)
  })
})

describe('POST /concat', () => {
  it('answers {"v": a+b}', async () => {
    expect((await post('/concat').send({ a: 'x', b: 'y' })).body).toEqual({ v: 'xy' })
  })

  it('counts UTF-8 bytes: 10 bytes pass, 11 are refused with 400', async () => {
    expect((await post('/concat').send({ a: 'héllo', b: 'wör' })).body).toEqual({ v: 'héllowör' })
    expectFailure(await post('/concat').send({ a: 'héllo', b: 'wörl' }), 400, 'MAX_SIZE_EXCEEDED', /^result exceeds maximum size$/)
  })
})

describe('bad input', () => {
  it.each([
    ['a float where an integer goes', { a: 1.5, b: 2 }, /body\.a must be integer/],
    ['a string where an integer goes', { a: '1', b: 2 }, /body\.a must be integer/],
    ['a missing field', { a: 1 }, /body must have required property 'b'/],
    ['an extra field', { a: 1, b: 2, c: 3 }, /body must not have property 'c'/],
    ['a number beyond 64 bits', { a: 1e20, b: 1 }, /body\.a must be <= 9007199254740991/],
    ['a number beyond 2^53 (cannot be added exactly)', { a: 2 ** 53 + 2, b: 1 }, /body\.a must be <=/],
    ['null', { a: null, b: 1 }, /body\.a must be integer/],
    ['an array body', [1, 2], /body must be object/],
  ])('refuses %s with 400 naming the field', async (_what, body, message) => {
    expectFailure(await post('/sum').send(body as object), 400, 'BAD_REQUEST', message)
  })

  it('refuses a number beyond 64 bits written out in full', async () => {
    const res = await post('/sum').set('content-type', 'application/json').send('{"a": 123456789012345678901234567890, "b": 1}')
    expectFailure(res, 400, 'BAD_REQUEST', /body\.a must be <=/)
  })

  it('refuses a body that is not JSON', async () => {
    const res = await post('/sum').set('content-type', 'application/json').send('{"a": 1,')
    expectFailure(res, 400, 'BAD_REQUEST', /not valid JSON/)
  })

  it('refuses an empty body', async () => {
    const res = await post('/sum').set('content-type', 'application/json').send('')
    expectFailure(res, 400, 'BAD_REQUEST', /cannot be empty/)
  })

  it('refuses a request with no body at all', async () => {
    expectFailure(await post('/sum'), 400, 'BAD_REQUEST', /body must be object/)
  })

  it('refuses a wrong content type with 415 naming it', async () => {
    const res = await post('/sum').set('content-type', 'text/plain').send('{"a":1,"b":2}')
    expectFailure(res, 415, 'UNSUPPORTED_MEDIA_TYPE', /text\/plain/)
  })

  it('refuses a body over the limit with 413', async () => {
    const res = await post('/concat').send({ a: 'x'.repeat(2000), b: '' })
    expectFailure(res, 413, 'PAYLOAD_TOO_LARGE', /too large/)
  })

  it('refuses prototype poisoning', async () => {
    const res = await post('/sum').set('content-type', 'application/json').send('{"a": 1, "b": 2, "__proto__": {"x": 1}}')
    expectFailure(res, 400, 'BAD_REQUEST', /.+/)
  })

  it('answers an unknown route with 404', async () => {
    expectFailure(await post('/multiply').send({ a: 1, b: 2 }), 404, 'NOT_FOUND', /POST \/multiply/)
  })

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await request(server).get('/sum')
    expectFailure(res, 405, 'METHOD_NOT_ALLOWED', /GET not allowed on \/sum/)
    expect(res.headers.allow).toBe('POST')
  })
})

describe('request ids', () => {
  it('echoes a sane x-request-id', async () => {
    const res = await post('/sum').set('x-request-id', 'abc-123').send({ a: 1, b: 2 })
    expect(res.headers['x-request-id']).toBe('abc-123')
  })

  it('mints one when absent or unusable, on failures too', async () => {
    // The process's 12 random hex digits and a base-36 counter: each request its own.
    const minted = /^[0-9a-f]{12}-[0-9a-z]+$/
    const ids = [
      (await post('/sum').send({ a: 1, b: 2 })).headers['x-request-id'],
      (await post('/sum').set('x-request-id', 'x'.repeat(300)).send({ a: 1, b: 2 })).headers['x-request-id'],
      (await post('/sum').send({ a: 0, b: 0 })).headers['x-request-id'],
      (await post('/nowhere')).headers['x-request-id'],
    ]
    for (const id of ids) expect(id).toMatch(minted)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('caller deadline', () => {
  it('refuses an unreadable x-request-timeout-ms header', async () => {
    const res = await post('/sum').set('x-request-timeout-ms', 'soon').send({ a: 1, b: 2 })
    expectFailure(res, 400, 'BAD_REQUEST', /x-request-timeout-ms/)
  })

  it('serves a call within a generous deadline', async () => {
    const res = await post('/sum').set('x-request-timeout-ms', '5000').send({ a: 1, b: 2 })
    expect(res.body).toEqual({ v: 3 })
  })
})
