// The kit's public HTTP app (kit/transport/http-app.ts and kithttp.handler)
// on a real listening server, serving the test-only echosvc: JSON 404 and
// 405, body limit and media types, request ids, trace context and deadlines
// as the endpoint's Context sees them, and the OpenAPI document.
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Context } from '../../src/kit/context.js'
import * as echosvc from '../helpers/echosvc.js'

let app: FastifyInstance
let url: string
const seen: Context[] = []
const contentTypes: (string | undefined)[] = []
const basic = echosvc.makeBasic()
// A service middleware that records the Context each echo call receives.
const recording: echosvc.Service = {
  echo: (ctx, s) => {
    seen.push(ctx)
    return basic.echo(ctx, s)
  },
  fail: basic.fail,
}

beforeAll(async () => {
  app = await echosvc.server(echosvc.endpoints(recording), { bodyLimit: 1024, docs: true })
  app.addHook('onRequest', async (req) => void contentTypes.push(req.headers['content-type']))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => app.close())
beforeEach(() => {
  seen.length = 0
  contentTypes.length = 0
})

/** call sends one request over a real socket and returns status, headers and the parsed body. */
async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

const json = { 'content-type': 'application/json' }
// A minted request id: the process's 12 random hex digits and a base-36 counter (wire.ts).
const mintedId = /^[\da-f]{12}-[\da-z]+$/
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

describe('unknown routes', () => {
  it('answers an unknown path with a JSON 404 NOT_FOUND', async () => {
    const res = await call('GET', '/nope?x=1')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'no route GET /nope', code: 'NOT_FOUND' })
    expect(res.headers['x-request-id']).toMatch(mintedId)
  })

  it('answers a known path with the wrong method with 405, naming the allowed ones in Allow', async () => {
    const res = await call('PUT', '/echo?x=1', '{"s":"a"}', json)
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('POST')
    expect(res.body).toEqual({ error: 'method PUT not allowed on /echo', code: 'METHOD_NOT_ALLOWED' })
    expect(seen).toHaveLength(0)
  })
})

describe('request bodies', () => {
  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE, without calling the endpoint', async () => {
    const res = await call('POST', '/echo', JSON.stringify({ s: 'x'.repeat(2_000) }), json)
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', error: expect.any(String) })
    expect(seen).toHaveLength(0)
    // Just under the limit is served.
    expect((await call('POST', '/echo', JSON.stringify({ s: 'x'.repeat(1_000) }), json)).status).toBe(200)
  })

  it('answers text/plain (and any other non-JSON type) with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/xml']) {
      const res = await call('POST', '/echo', '{"s":"a"}', { 'content-type': type })
      expect(res.status).toBe(415)
      expect(res.body).toEqual({ error: `content-type ${type} is not supported: send application/json`, code: 'UNSUPPORTED_MEDIA_TYPE' })
    }
    expect(seen).toHaveLength(0)
  })

  it('reads a body sent with no Content-Type as JSON, as Go kit clients send it', async () => {
    const res = await call('POST', '/echo', '{"s":"plain"}')
    expect(contentTypes).toEqual([undefined])
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ v: 'plain' })
    const bad = await call('POST', '/echo', '{"s":')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 'BAD_REQUEST' })
  })
})

describe('request ids', () => {
  it('keeps a sane x-request-id, in the endpoint Context and the response, on success and failure', async () => {
    const ok = await call('POST', '/echo', '{"s":"a"}', { ...json, 'x-request-id': 'req-42:abc/1' })
    expect(ok.headers['x-request-id']).toBe('req-42:abc/1')
    expect(seen[0]?.requestId).toBe('req-42:abc/1')
    const failed = await call('POST', '/echo', '{"s":""}', { ...json, 'x-request-id': 'req-43' })
    expect(failed.status).toBe(400)
    expect(failed.body).toEqual({ error: 'nothing to echo', code: 'EMPTY' })
    expect(failed.headers['x-request-id']).toBe('req-43')
  })

  it('mints an id when x-request-id is absent or not sane', async () => {
    for (const headers of [json, { ...json, 'x-request-id': 'has spaces' }, { ...json, 'x-request-id': 'a'.repeat(129) }]) {
      const res = await call('POST', '/echo', '{"s":"a"}', headers)
      expect(res.headers['x-request-id']).toMatch(mintedId)
      expect(seen.at(-1)?.requestId).toBe(res.headers['x-request-id'])
    }
    expect(new Set(seen.map((c) => c.requestId)).size).toBe(3)
  })
})

describe('trace context', () => {
  it('keeps a valid traceparent and drops an invalid one', async () => {
    await call('POST', '/echo', '{"s":"a"}', { ...json, traceparent })
    expect(seen[0]?.trace).toBe(traceparent)
    expect(seen[0]?.transport).toBe('http')
    for (const bad of ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331', 'not-a-trace', traceparent.toUpperCase()]) {
      await call('POST', '/echo', '{"s":"a"}', { ...json, traceparent: bad })
      expect(seen.at(-1)?.trace).toBeUndefined()
    }
    expect(seen).toHaveLength(4)
  })
})

describe('deadlines', () => {
  it('gives the endpoint a deadline from x-request-timeout-ms', async () => {
    const before = Date.now()
    const res = await call('POST', '/echo', '{"s":"a"}', { ...json, 'x-request-timeout-ms': '5000' })
    const after = Date.now()
    expect(res.status).toBe(200)
    expect(seen[0]?.deadline).toBeGreaterThanOrEqual(before + 5_000)
    expect(seen[0]?.deadline).toBeLessThanOrEqual(after + 5_000)
    await call('POST', '/echo', '{"s":"a"}', json)
    expect(seen[1]?.deadline).toBeUndefined()
  })

  it('answers an unreadable x-request-timeout-ms with 400 BAD_REQUEST, without calling the endpoint', async () => {
    for (const bad of ['soon', '-5', 'Infinity']) {
      const res = await call('POST', '/echo', '{"s":"a"}', { ...json, 'x-request-timeout-ms': bad })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({ error: 'header x-request-timeout-ms must be a non-negative number of milliseconds', code: 'BAD_REQUEST' })
    }
    expect(seen).toHaveLength(0)
  })
})

describe('documentation', () => {
  it('serves an OpenAPI 3.1 document of the registered routes that a validator accepts, and its docs page', async () => {
    const res = await call('GET', '/openapi.json')
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual(['/echo', '/fail/{code}'])
    expect(Object.keys(doc.paths['/echo'] ?? {})).toEqual(['post'])
    const result = await new Validator().validate(doc)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    const page = await request(`${url}/docs/`)
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    await page.body.dump()
  })
})
