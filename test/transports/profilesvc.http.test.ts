// profilesvc over HTTP (fastify inject) on embedded PGlite: every row of
// The README's profilesvc table, Go kit's strict trailing slashes, and every
// kind of bad input, each answered with a 4xx JSON {"error", "code"} that
// names the problem — never a 500, never a stack — plus a fast 503 when the
// database cannot be reached.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as profileendpoint from '../../src/endpoints/profilesvc/index.js'
import * as kitsql from '../../src/kit/sql/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as profileservice from '../../src/services/profilesvc/index.js'
import * as profiletransport from '../../src/transports/profilesvc/index.js'
import { openPglite } from '../helpers/profilesvc-db.js'
import { log, metrics, tracer } from '../helpers/nop.js'
import { uid } from '../helpers/profilesvc-cases.js'

/** serve builds the public app with profilesvc over database's "profilesvc" schema. */
async function serve(database: kitsql.Database, docs = false): Promise<FastifyInstance> {
  const app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0', docs })
  const store = profileservice.makePostgresStore(database.db.withSchema('profilesvc').withTables<profileservice.Tables>())
  const endpoints = profileendpoint.make(profileservice.make({ store }), { log, duration: metrics.histogram, tracer })
  await app.register(profiletransport.httpRoutes(endpoints, log))
  await app.ready()
  return app
}

let database: kitsql.Database
let app: FastifyInstance
beforeAll(async () => {
  database = await openPglite()
  app = await serve(database, true)
})
afterAll(async () => {
  await app?.close()
  await database?.close()
})

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
const call = (method: Method, url: string, body?: unknown) =>
  app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) })

/** expectOk asserts a 200 with a JSON body. */
function expectOk(res: LightMyRequestResponse, body: unknown): void {
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.json()).toEqual(body)
}

/** expectFailure asserts a JSON failure body of our shape, with no stack in it. */
function expectFailure(res: LightMyRequestResponse, status: number, code: string, message: string | RegExp): void {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = res.json<{ error: string; code: string }>()
  expect(Object.keys(body).sort()).toEqual(['code', 'error'])
  expect(body.code).toBe(code)
  expect(body.error).toMatch(message)
  expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/)
}

describe('profilesvc routes (README)', () => {
  it('POST /profiles/ creates, then answers 400 "already exists"', async () => {
    const id = uid()
    expectOk(await call('POST', '/profiles/', { id, name: 'Ada' }), {})
    expectFailure(await call('POST', '/profiles/', { id, name: 'again' }), 400, 'ALREADY_EXISTS', /^already exists$/)
  })

  it('GET /profiles/{id} answers {"profile"}, omitting empty fields, or 404 "not found"', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id, addresses: [{ id: 'home', location: 'London' }, { id: 'work' }] })
    expectOk(await call('GET', `/profiles/${id}`), { profile: { id, addresses: [{ id: 'home', location: 'London' }, { id: 'work' }] } })
    expectFailure(await call('GET', `/profiles/${uid()}`), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('PUT /profiles/{id} creates or replaces, and answers 400 "inconsistent IDs" for another or no body id', async () => {
    const id = uid()
    expectOk(await call('PUT', `/profiles/${id}`, { id, name: 'one', addresses: [{ id: 'a' }] }), {})
    expectOk(await call('PUT', `/profiles/${id}`, { id, name: 'two' }), {})
    expectOk(await call('GET', `/profiles/${id}`), { profile: { id, name: 'two' } })
    expectFailure(await call('PUT', `/profiles/${id}`, { id: uid(), name: 'x' }), 400, 'INCONSISTENT_IDS', /^inconsistent IDs$/)
    expectFailure(await call('PUT', `/profiles/${id}`, { name: 'x' }), 400, 'INCONSISTENT_IDS', /^inconsistent IDs$/)
    expectOk(await call('GET', `/profiles/${id}`), { profile: { id, name: 'two' } })
  })

  it('PATCH /profiles/{id} replaces the fields present, 404 when missing, 400 on another id', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id, name: 'old', addresses: [{ id: 'a' }] })
    expectOk(await call('PATCH', `/profiles/${id}`, { name: 'new' }), {})
    expectOk(await call('GET', `/profiles/${id}`), { profile: { id, name: 'new', addresses: [{ id: 'a' }] } })
    expectFailure(await call('PATCH', `/profiles/${uid()}`, { name: 'x' }), 404, 'RECORD_NOT_FOUND', /^not found$/)
    expectFailure(await call('PATCH', `/profiles/${id}`, { id: uid() }), 400, 'INCONSISTENT_IDS', /^inconsistent IDs$/)
  })

  it('DELETE /profiles/{id} removes it, then answers 404', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id })
    expectOk(await call('DELETE', `/profiles/${id}`), {})
    expectFailure(await call('DELETE', `/profiles/${id}`), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('GET /profiles/{id}/addresses/ lists them (an empty list too), or 404', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id })
    expectOk(await call('GET', `/profiles/${id}/addresses/`), { addresses: [] })
    await call('POST', `/profiles/${id}/addresses/`, { id: 'b', location: 'B' })
    await call('POST', `/profiles/${id}/addresses/`, { id: 'a' })
    expectOk(await call('GET', `/profiles/${id}/addresses/`), { addresses: [{ id: 'b', location: 'B' }, { id: 'a' }] })
    expectFailure(await call('GET', `/profiles/${uid()}/addresses/`), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('GET /profiles/{id}/addresses/{addressID} answers {"address"}, or 404', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id, addresses: [{ id: 'home', location: 'here' }] })
    expectOk(await call('GET', `/profiles/${id}/addresses/home`), { address: { id: 'home', location: 'here' } })
    expectFailure(await call('GET', `/profiles/${id}/addresses/away`), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('POST /profiles/{id}/addresses/ adds, 404 without the profile, 400 "already exists" for a taken id', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id })
    expectOk(await call('POST', `/profiles/${id}/addresses/`, { id: 'a', location: 'A' }), {})
    expectFailure(await call('POST', `/profiles/${id}/addresses/`, { id: 'a' }), 400, 'ALREADY_EXISTS', /^already exists$/)
    expectFailure(await call('POST', `/profiles/${uid()}/addresses/`, { id: 'a' }), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('DELETE /profiles/{id}/addresses/{addressID} removes it, then answers 404', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id, addresses: [{ id: 'a' }] })
    expectOk(await call('DELETE', `/profiles/${id}/addresses/a`), {})
    expectFailure(await call('DELETE', `/profiles/${id}/addresses/a`), 404, 'RECORD_NOT_FOUND', /^not found$/)
  })

  it('is strict about trailing slashes, as Go kit\'s router is', async () => {
    const id = uid()
    await call('POST', '/profiles/', { id })
    expectFailure(await call('POST', '/profiles', { id: uid() }), 404, 'NOT_FOUND', /no route/)
    expectFailure(await call('GET', `/profiles/${id}/`), 404, 'NOT_FOUND', /no route/)
    expectFailure(await call('GET', `/profiles/${id}/addresses`), 404, 'NOT_FOUND', /no route/)
    // GET /profiles/ is GET /profiles/:id with an empty id: a 400 naming it, never a list or a 500.
    expectFailure(await call('GET', '/profiles/'), 400, 'BAD_REQUEST', /params\.id must NOT have fewer than 1 characters/)
  })

  it('takes ids with every allowed character, percent-encoded or not', async () => {
    const id = `A.b~c_d-${uid()}`
    expectOk(await call('POST', '/profiles/', { id }), {})
    expectOk(await call('GET', `/profiles/${encodeURIComponent(id).replace('A', '%41')}`), { profile: { id } })
  })

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>()
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
    expect(ops.filter((op) => op.includes('/profiles/')).sort()).toEqual([
      'delete /profiles/{id}',
      'delete /profiles/{id}/addresses/{addressID}',
      'get /profiles/{id}',
      'get /profiles/{id}/addresses/',
      'get /profiles/{id}/addresses/{addressID}',
      'patch /profiles/{id}',
      'post /profiles/',
      'post /profiles/{id}/addresses/',
      'put /profiles/{id}',
    ])
  })
})

describe('bad input: a clear 4xx naming what was wrong, and nothing written', () => {
  it('refuses a body that is not JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/profiles/', headers: { 'content-type': 'application/json' }, payload: '{"id": "x",' })
    expectFailure(res, 400, 'BAD_REQUEST', /JSON/)
  })

  it('refuses an empty body where one is required', async () => {
    const res = await app.inject({ method: 'POST', url: '/profiles/', headers: { 'content-type': 'application/json' }, payload: '' })
    expect(res.statusCode).toBe(400)
    expect(res.json<{ code: string }>().code).toBe('BAD_REQUEST')
  })

  it('refuses wrong types, naming the field', async () => {
    expectFailure(await call('POST', '/profiles/', { id: 5 }), 400, 'BAD_REQUEST', /body\.id must be string/)
    expectFailure(await call('POST', '/profiles/', { id: uid(), name: 7 }), 400, 'BAD_REQUEST', /body\.name must be string/)
    expectFailure(await call('POST', '/profiles/', { id: uid(), addresses: { id: 'a' } }), 400, 'BAD_REQUEST', /body\.addresses must be array/)
    expectFailure(await call('POST', '/profiles/', [{ id: uid() }]), 400, 'BAD_REQUEST', /body must be object/)
    expectFailure(await call('POST', `/profiles/${uid()}/addresses/`, { id: 'a', location: ['x'] }), 400, 'BAD_REQUEST', /body\.location must be string/)
  })

  it('refuses a missing id where one is required', async () => {
    expectFailure(await call('POST', '/profiles/', { name: 'nobody' }), 400, 'BAD_REQUEST', /must have required property 'id'/)
    expectFailure(await call('POST', `/profiles/${uid()}/addresses/`, { location: 'x' }), 400, 'BAD_REQUEST', /must have required property 'id'/)
  })

  it('refuses unknown fields, top-level and nested, instead of dropping them', async () => {
    const id = uid()
    expectFailure(await call('POST', '/profiles/', { id, nickname: 'x' }), 400, 'BAD_REQUEST', /body must not have property 'nickname'/)
    expectFailure(
      await call('POST', '/profiles/', { id, addresses: [{ id: 'a', zip: '1' }] }),
      400,
      'BAD_REQUEST',
      /body\.addresses\.0 must not have property 'zip'/,
    )
    expectFailure(await call('GET', `/profiles/${id}`), 404, 'RECORD_NOT_FOUND', /not found/)
  })

  it('refuses ids, names and locations over their limits, and too many addresses', async () => {
    const { limits } = profileservice
    const long = (n: number) => 'x'.repeat(n)
    expectOk(await call('POST', '/profiles/', { id: long(limits.id), name: long(limits.name) }), {})
    expectFailure(await call('POST', '/profiles/', { id: long(limits.id + 1) }), 400, 'BAD_REQUEST', /body\.id must NOT have more than 64 characters/)
    expectFailure(await call('POST', '/profiles/', { id: uid(), name: long(limits.name + 1) }), 400, 'BAD_REQUEST', /body\.name must NOT have more than 200/)
    expectFailure(
      await call('POST', '/profiles/', { id: uid(), addresses: [{ id: 'a', location: long(limits.location + 1) }] }),
      400,
      'BAD_REQUEST',
      /body\.addresses\.0\.location must NOT have more than 500/,
    )
    const many = Array.from({ length: limits.addresses + 1 }, (_, i) => ({ id: `a${i}` }))
    expectFailure(await call('POST', '/profiles/', { id: uid(), addresses: many }), 400, 'BAD_REQUEST', /body\.addresses must NOT have more than 100 items/)
    expectFailure(await call('GET', `/profiles/${long(limits.id + 1)}`), 400, 'BAD_REQUEST', /params\.id must NOT have more than 64/)
    expectFailure(await call('DELETE', `/profiles/${uid()}/addresses/${long(limits.id + 1)}`), 400, 'BAD_REQUEST', /params\.addressID/)
  })

  it('refuses ids with characters that are not URL-safe, and "." or ".."', async () => {
    for (const id of ['a b', 'a/b', '.', '..', 'é', 'a%b', '']) {
      const res = await call('POST', '/profiles/', { id })
      expectFailure(res, 400, 'BAD_REQUEST', /body\.id must (match pattern|NOT have fewer)/)
    }
    expectFailure(await call('GET', '/profiles/a%20b'), 400, 'BAD_REQUEST', /params\.id must match pattern/)
  })

  it('refuses NUL in a name or location (PostgreSQL text cannot hold it) instead of failing with a 500', async () => {
    const id = uid()
    expectFailure(await call('POST', '/profiles/', { id, name: 'a\u0000b' }), 400, 'BAD_REQUEST', /body\.name must match pattern/)
    expectFailure(await call('PUT', `/profiles/${id}`, { id, addresses: [{ id: 'a', location: '\u0000' }] }), 400, 'BAD_REQUEST', /location/)
    expectFailure(await call('GET', `/profiles/${id}`), 404, 'RECORD_NOT_FOUND', /not found/)
  })

  it('refuses a body over the size limit with 413', async () => {
    const res = await call('POST', '/profiles/', { id: uid(), name: 'x'.repeat(70 * 1024) })
    expectFailure(res, 413, 'PAYLOAD_TOO_LARGE', /too large/i)
  })
})

describe('database unreachable', () => {
  it('answers 503 UNAVAILABLE at once, with no driver message and no stack', async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const down = await kitsql.open({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 })
    const broken = await serve(down)
    try {
      const started = performance.now()
      const res = await broken.inject({ method: 'GET', url: `/profiles/${uid()}` })
      expect(performance.now() - started).toBeLessThan(1_000)
      expectFailure(res, 503, 'UNAVAILABLE', /^database unavailable/)
      expect(res.body).not.toMatch(/127\.0\.0\.1|connect /)
      expectFailure(await broken.inject({ method: 'POST', url: '/profiles/', payload: { id: uid() } }), 503, 'UNAVAILABLE', /^database unavailable/)
    } finally {
      await broken.close()
      await down.close()
    }
  })
})
