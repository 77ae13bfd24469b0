// Go kit's exact JSON wire on every JSON transport, through real listening
// servers: the bodies Go kit's own clients send (Go's field names, as
// {"A":1,"B":2}; JSON-RPC's "jsonrpc": "") are served as Go kit's server
// serves them, because Go's encoding/json matches keys case-insensitively;
// nothing else is loosened (one field named twice, unknown keys and wrong
// types stay 400s); and a GET or DELETE carrying Content-Type:
// application/json and no body is served as if it had none, as Go's
// net/http does. NATS runs when a server answers on 127.0.0.1:4222.
import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as profileendpoint from '../../src/endpoints/profilesvc/index.js'
import * as stringendpoint from '../../src/endpoints/stringsvc/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
import * as profileservice from '../../src/services/profilesvc/index.js'
import * as stringservice from '../../src/services/stringsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import * as profiletransport from '../../src/transports/profilesvc/index.js'
import * as stringtransport from '../../src/transports/stringsvc/index.js'
import { endpoints } from '../helpers/addsvc.js'
import { log, metrics, tracer } from '../helpers/nop.js'
import { answers } from '../helpers/process.js'

let app: FastifyInstance
let port: number
let rpc: { server: ReturnType<typeof kitjsonrpc.jsonrpcServer>; port: number }

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0' })
  const deps = { log, duration: metrics.histogram, tracer }
  await app.register(addtransport.httpRoutes(endpoints(), log))
  await app.register(stringtransport.httpRoutes(stringendpoint.make(stringservice.make(), { ...deps, limits: { uppercase: 1e6, count: 1e6 } }), log))
  const profiles = profileservice.make({ store: profileservice.makeMemoryStore() })
  await app.register(profiletransport.httpRoutes(profileendpoint.make(profiles, deps), log))
  await app.listen({ host: '127.0.0.1', port: 0 })
  port = (app.server.address() as { port: number }).port
  const server = kitjsonrpc.jsonrpcServer({ methods: addtransport.jsonrpcMethods(endpoints()), log, tracer, bodyLimit: 64 * 1024 })
  rpc = { server, port: await kitjsonrpc.listen(server, '127.0.0.1', 0) }
})
afterAll(async () => {
  await app?.close()
  if (rpc) await kitjsonrpc.close(rpc.server)
})

interface Answer {
  readonly status: number
  readonly body: unknown
}

/**
 * send writes one request byte for byte as Go's net/http client does (Go
 * kit's HTTP clients set no Content-Type; json.Encoder ends the body with a
 * newline), with extra headers, and reads the answer.
 */
function send(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}, to = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { 'user-agent': 'Go-http-client/1.1', 'accept-encoding': 'identity', ...headers }
    if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body))
    const req = httpRequest({ host: '127.0.0.1', port: to, method, path, headers: h }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}
const post = (path: string, body: string) => send('POST', path, `${body}\n`)

/** failure is the body of a 400 we answer: our shape, with a message naming the problem. */
const failure = (message: RegExp) => ({ error: expect.stringMatching(message), code: 'BAD_REQUEST' })

describe('HTTP: keys match case-insensitively, as encoding/json matches them', () => {
  it("serves addsvc's Go client bodies {\"A\":1,\"B\":2} and {\"A\":\"x\",\"B\":\"y\"}", async () => {
    expect(await post('/sum', '{"A":1,"B":2}')).toEqual({ status: 200, body: { v: 3 } })
    expect(await post('/concat', '{"A":"x","B":"y"}')).toEqual({ status: 200, body: { v: 'xy' } })
    expect(await post('/sum', '{"a":40,"B":2}')).toEqual({ status: 200, body: { v: 42 } })
  })

  it('folds by Unicode simple case folding, as Go does: "ſ" is "s"', async () => {
    expect(await post('/uppercase', '{"ſ":"go"}')).toEqual({ status: 200, body: { v: 'GO' } })
  })

  it('still refuses everything else: one field twice, unknown keys, wrong types, missing fields', async () => {
    expect(await post('/sum', '{"a":1,"A":2}')).toEqual({ status: 400, body: failure(/^body has property 'a' twice: 'a' and 'A'$/) })
    expect(await post('/sum', '{"A":1,"B":2,"C":3}')).toEqual({ status: 400, body: failure(/^body must not have property 'C'$/) })
    expect(await post('/sum', '{"A":"1","B":2}')).toEqual({ status: 400, body: failure(/^body\.a must be integer$/) })
    expect(await post('/sum', '{"A":1}')).toEqual({ status: 400, body: failure(/^body must have required property 'b'$/) })
    expect(await post('/concat', '{"A":"x","B":2}')).toEqual({ status: 400, body: failure(/^body\.b must be string$/) })
    expect(await post('/sum', '{"A":1,"B":2,"__proto__":{"x":1}}')).toMatchObject({ status: 400 })
  })

  it('serves stringsvc {"S":"x"} on GET and POST', async () => {
    for (const method of ['GET', 'POST']) {
      expect(await send(method, '/uppercase', '{"S":"x"}\n')).toEqual({ status: 200, body: { v: 'X' } })
      expect(await send(method, '/count', '{"S":"héllo"}\n')).toEqual({ status: 200, body: { v: 6 } })
    }
  })

  it('serves profilesvc bodies in Go field names, nested addresses too, and answers in the documented names', async () => {
    const id = `p-${randomUUID().slice(0, 8)}`
    const created = await post('/profiles/', JSON.stringify({ ID: id, Name: 'n', Addresses: [{ ID: 'a', Location: 'l' }] }))
    expect(created).toEqual({ status: 200, body: {} })
    expect(await post(`/profiles/${id}/addresses/`, '{"Id":"b","LOCATION":"m"}')).toEqual({ status: 200, body: {} })
    expect(await send('GET', `/profiles/${id}`, undefined)).toEqual({
      status: 200,
      body: { profile: { id, name: 'n', addresses: [{ id: 'a', location: 'l' }, { id: 'b', location: 'm' }] } },
    })
    expect(await send('PUT', `/profiles/${id}`, JSON.stringify({ ID: id, NAME: 'renamed' }))).toEqual({ status: 200, body: {} })
    expect((await send('GET', `/profiles/${id}`, undefined)).body).toEqual({ profile: { id, name: 'renamed' } })
  })

  it('refuses a nested field named twice or unknown, naming where', async () => {
    const twice = await post('/profiles/', JSON.stringify({ id: 'y', addresses: [{ id: 'a', ID: 'b' }] }))
    expect(twice).toEqual({ status: 400, body: failure(/^body\.addresses\.0 has property 'id' twice: 'id' and 'ID'$/) })
    const unknown = await post('/profiles/', JSON.stringify({ id: 'y', addresses: [{ Id: 'a', Zip: '1' }] }))
    expect(unknown).toEqual({ status: 400, body: failure(/^body\.addresses\.0 must not have property 'Zip'$/) })
  })

  it('keeps the documented lower-case names in the OpenAPI document', async () => {
    const doc = (await send('GET', '/openapi.json', undefined)).body as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: object } }> } }>>
    }
    const body = doc.paths['/sum']?.post?.requestBody.content['application/json']?.schema
    expect(Object.keys(body?.properties ?? {})).toEqual(['a', 'b'])
  })
})

describe('HTTP: an empty body with Content-Type: application/json', () => {
  const json = { 'content-type': 'application/json' }
  const known = `known-${randomUUID().slice(0, 8)}`
  beforeAll(async () => {
    expect((await post('/profiles/', JSON.stringify({ id: known }))).status).toBe(200)
  })

  it('is no body on GET and DELETE routes that take none: 404 for a missing profile, not 400', async () => {
    const missing = `missing-${randomUUID().slice(0, 8)}`
    const notFound = { status: 404, body: { error: 'not found', code: 'RECORD_NOT_FOUND' } }
    for (const method of ['GET', 'DELETE']) {
      expect(await send(method, `/profiles/${missing}`, '', json), method).toEqual(notFound)
      expect(await send(method, `/profiles/${missing}`, undefined, json), `${method} without Content-Length`).toEqual(notFound)
      expect(await send(method, `/profiles/${missing}/addresses/a`, '', { 'content-type': 'application/json; charset=utf-8' })).toEqual(notFound)
    }
    expect(await send('GET', `/profiles/${known}`, '', json)).toEqual({ status: 200, body: { profile: { id: known } } })
    expect(await send('DELETE', `/profiles/${known}`, '', json)).toEqual({ status: 200, body: {} })
  })

  it('is answered on HEAD exactly as without the header', async () => {
    const path = `/profiles/${randomUUID().slice(0, 8)}`
    const plain = await send('HEAD', path, undefined)
    expect(plain.status).not.toBe(400)
    expect(await send('HEAD', path, '', json)).toEqual(plain)
  })

  it('is still a 400 naming the body on a route that takes one', async () => {
    expect(await send('POST', '/sum', '', json)).toEqual({ status: 400, body: failure(/^Body cannot be empty/) })
    expect(await send('GET', '/uppercase', '', json)).toEqual({ status: 400, body: failure(/^Body cannot be empty/) })
  })
})

describe('JSON-RPC: what Go kit\'s client sends', () => {
  const call = (body: string) => send('POST', '/', `${body}\n`, { 'content-type': 'application/json; charset=utf-8' }, rpc.port)

  it('serves "jsonrpc": "" with params in Go field names, and answers "2.0"', async () => {
    expect(await call('{"jsonrpc":"","method":"sum","params":{"A":1,"B":2},"id":1}')).toEqual({
      status: 200,
      body: { jsonrpc: '2.0', result: { v: 3 }, id: 1 },
    })
    expect((await call('{"jsonrpc":"","method":"concat","params":{"A":"x","B":"y"},"id":2}')).body).toEqual({ jsonrpc: '2.0', result: { v: 'xy' }, id: 2 })
  })

  it('serves a request with no jsonrpc member, and still answers "2.0"', async () => {
    expect((await call('{"method":"sum","params":{"a":1,"b":2},"id":"x"}')).body).toEqual({ jsonrpc: '2.0', result: { v: 3 }, id: 'x' })
  })

  it('keeps -32600 for any other version', async () => {
    for (const version of ['"1.0"', '"2"', '2', 'null']) {
      const r = (await call(`{"jsonrpc":${version},"method":"sum","params":{"a":1,"b":2},"id":3}`)).body as { error: { code: number }; jsonrpc: string }
      expect(r.error.code, version).toBe(-32600)
      expect(r.jsonrpc).toBe('2.0')
    }
  })

  it('refuses params naming a field twice or an unknown field with -32602', async () => {
    const twice = (await call('{"jsonrpc":"","method":"sum","params":{"a":1,"A":2,"b":3},"id":4}')).body
    expect(twice).toMatchObject({ error: { code: -32602, message: "params has property 'a' twice: 'a' and 'A'" }, id: 4 })
    const unknown = (await call('{"jsonrpc":"","method":"sum","params":{"A":1,"B":2,"C":3},"id":5}')).body
    expect(unknown).toMatchObject({ error: { code: -32602, message: "params must not have property 'C'" }, id: 5 })
  })
})

const nats = await answers(4222)
if (!nats) console.warn('gokit-wire.test.ts: NATS cases SKIPPED, no NATS server answers on 127.0.0.1:4222')

describe.skipIf(!nats)('NATS: Go field names', () => {
  const prefix = `gokit-wire-${randomUUID().slice(0, 8)}`
  let nc: NatsConnection
  let subs: Subscription[] = []
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' })
    subs = addtransport.natsServer(nc, endpoints(), { log, tracer, prefix })
    await nc.flush()
  })
  afterAll(async () => {
    await kitnats.drain(subs)
    await nc?.drain()
  })
  const request = async (method: string, body: string) => JSON.parse((await nc.request(`${prefix}.${method}`, body, { timeout: 2_000 })).string()) as unknown

  it('serves {"A":1,"B":2} and {"A":"x","B":"y"}, and refuses a field named twice', async () => {
    expect(await request('sum', '{"A":1,"B":2}')).toEqual({ v: 3 })
    expect(await request('concat', '{"A":"x","B":"y"}')).toEqual({ v: 'xy' })
    expect(await request('sum', '{"b":1,"B":2,"a":3}')).toEqual(failure(/^message has property 'b' twice: 'b' and 'B'$/))
    expect(await request('sum', '{"A":1,"B":2,"C":3}')).toEqual(failure(/^message must not have property 'C'$/))
  })
})
