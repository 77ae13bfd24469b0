// stringsvc over HTTP through a listening fastify server: GET and POST with a
// JSON body on both routes (Go kit's proxy uses GET), the business error in a
// 200 body the way Go kit's clients read it, and every kind of bad input
// answered with a 4xx JSON {"error", "code"} naming the problem.
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import * as undici from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as stringendpoint from '../../src/endpoints/stringsvc/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as stringservice from '../../src/services/stringsvc/index.js'
import * as stringtransport from '../../src/transports/stringsvc/index.js'
import { log, metrics, tracer } from '../helpers/nop.js'

let app: FastifyInstance
let server: FastifyInstance['server']

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0', docs: false })
  const endpoints = stringendpoint.make(stringservice.make(), { log, duration: metrics.histogram, tracer, limits: { uppercase: 1e6, count: 1e6 } })
  await app.register(stringtransport.httpRoutes(endpoints, log))
  await app.listen({ host: '127.0.0.1', port: 0 })
  server = app.server
})
afterAll(() => app.close())

/** expectFailure asserts a JSON failure body of our shape, with no stack in it. */
function expectFailure(res: request.Response, status: number, code: string, message: string | RegExp) {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.body.code).toBe(code)
  expect(res.body.error).toMatch(message)
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/)
}

for (const method of ['get', 'post'] as const) {
  describe(`${method.toUpperCase()} with a JSON body`, () => {
    it('/uppercase answers {"v": S}', async () => {
      const res = await request(server)[method]('/uppercase').send({ s: 'héllo' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ v: 'HÉLLO' })
    })
    it('/uppercase of "" answers 200 {"v": "", "err": "empty string"} (Go kit), plus a code', async () => {
      const res = await request(server)[method]('/uppercase').send({ s: '' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ v: '', err: 'empty string', code: 'EMPTY_STRING' })
    })
    it('/count answers UTF-8 bytes', async () => {
      const res = await request(server)[method]('/count').send({ s: 'héllo' })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ v: 6 })
    })
  })
}

describe('requests Go kit clients send', () => {
  it('reads a JSON body sent without a Content-Type (Go kit encodeRequest sets none)', async () => {
    const res = await undici.request(`http://127.0.0.1:${(server.address() as { port: number }).port}/uppercase`, {
      method: 'GET',
      body: '{"s":"go"}\n',
    })
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toEqual({ v: 'GO' })
  })
})

describe('bad input', () => {
  it('a missing s is a 400 naming it', async () => {
    expectFailure(await request(server).post('/uppercase').send({}), 400, 'BAD_REQUEST', /s/)
  })
  it('a non-string s is a 400 naming it', async () => {
    expectFailure(await request(server).post('/count').send({ s: 5 }), 400, 'BAD_REQUEST', /body\.s must be string/)
  })
  it('an extra field is a 400 naming it', async () => {
    expectFailure(await request(server).post('/count').send({ s: 'x', t: 1 }), 400, 'BAD_REQUEST', /must not have property 't'/)
  })
  it('a body that is not JSON is a 400', async () => {
    expectFailure(await request(server).post('/uppercase').set('content-type', 'application/json').send('{"s":'), 400, 'BAD_REQUEST', /JSON|Unexpected|body/i)
  })
  it('GET without a body is a 400, not a 500', async () => {
    expectFailure(await request(server).get('/uppercase'), 400, 'BAD_REQUEST', /body/)
  })
  it('another method is a 405 with Allow', async () => {
    const res = await request(server).put('/count').send({ s: 'x' })
    expectFailure(res, 405, 'METHOD_NOT_ALLOWED', /PUT/)
    expect(res.headers.allow).toMatch(/GET/)
    expect(res.headers.allow).toMatch(/POST/)
  })
  it('a body over the limit is a 413', async () => {
    expectFailure(await request(server).post('/count').send({ s: 'x'.repeat(2000) }), 413, 'PAYLOAD_TOO_LARGE', /./)
  })
})
