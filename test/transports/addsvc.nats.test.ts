// addsvc over NATS request/reply against the real NATS server on
// 127.0.0.1:4222 (skipped, saying so, when it does not answer). Subjects get
// a random prefix per run so parallel or leftover runs never collide. Bad
// messages (not JSON, missing or mistyped fields) each get a 400 reply and
// the server keeps serving; deadlines, request ids and trace context cross
// in headers; instances in the queue group share the load.
import { randomUUID } from 'node:crypto'
import { connect, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import { DeadlineExceededError, RateLimitedError, UnavailableError } from '../../src/kit/errors.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
import * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { endpoints, stalling } from '../helpers/addsvc.js'
import { ctx, log, tracer } from '../helpers/nop.js'
import { answers } from '../helpers/process.js'

const natsUrl = '127.0.0.1:4222'

const available = await answers(4222)
if (!available) console.warn(`addsvc.nats.test.ts: SKIPPED, no NATS server answers on ${natsUrl}`)

describe.skipIf(!available)('addsvc over NATS', () => {
  const prefix = `addsvc-test-${randomUUID().slice(0, 8)}`
  let server: NatsConnection
  let caller: NatsConnection
  const subs: Subscription[] = []
  const serve = (p: string, e = endpoints()) => subs.push(...addtransport.natsServer(server, e, { log, tracer, prefix: p }))
  beforeAll(async () => {
    server = await connect({ servers: natsUrl })
    caller = await connect({ servers: natsUrl })
    serve(prefix)
    await server.flush()
  })
  afterAll(async () => {
    await kitnats.drain(subs)
    await server?.drain()
    await caller?.drain()
  })

  /** raw sends a payload to a subject and returns the reply's failure headers and body. */
  async function raw(subject: string, payload: string | Uint8Array) {
    const m: Msg = await caller.request(subject, payload, { timeout: 2_000 })
    return { status: m.headers?.get('Nats-Service-Error-Code') ?? '', body: JSON.parse(m.string()) as Record<string, unknown> }
  }

  it('sums and concatenates', async () => {
    const client = addtransport.natsClient(caller, { prefix })
    expect(await client.sum(ctx(), { a: 20, b: 22 })).toEqual({ v: 42 })
    expect(await client.concat(ctx(), { a: 'go', b: 'kit' })).toEqual({ v: 'gokit' })
  })

  it('replies a business error with Nats-Service-Error headers and {error, code}, rebuilt as the same class', async () => {
    expect(await raw(`${prefix}.sum`, '{"a": 0, "b": 0}')).toEqual({ status: '400', body: { error: "can't sum two zeroes", code: 'TWO_ZEROES' } })
    const client = addtransport.natsClient(caller, { prefix })
    await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
    await expect(client.sum(ctx(), { a: 2 ** 31 - 1, b: 1 })).rejects.toBeInstanceOf(addservice.IntOverflowError)
    await expect(client.concat(ctx(), { a: 'héllo', b: 'wörl' })).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
  })

  it('replies 400 naming the problem to messages that are not JSON or lack fields, and keeps serving', async () => {
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['sum', 'hello', /message body is not JSON/],
      ['sum', '', /message body is not JSON/],
      ['sum', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /message body is not JSON/],
      ['sum', '{"a": 1}', /message must have required property 'b'/],
      ['sum', '{"a": "1", "b": 2}', /message\.a must be an integer/],
      ['sum', '{"a": 1, "b": 2, "c": 3}', /message must not have property 'c'/],
      ['sum', '[1, 2]', /message must be an object/],
      ['concat', '{"a": "x", "b": null}', /message\.b must be a string/],
    ]
    for (const [method, payload, message] of cases) {
      const r = await raw(`${prefix}.${method}`, payload)
      expect(r.status, String(payload)).toBe('400')
      expect(r.body.code, String(payload)).toBe('BAD_REQUEST')
      expect(r.body.error, String(payload)).toMatch(message)
    }
    const h = headers()
    h.set('x-request-timeout-ms', 'soon')
    const bad = await caller.request(`${prefix}.sum`, '{"a": 1, "b": 2}', { timeout: 2_000, headers: h })
    expect(bad.headers?.get('Nats-Service-Error-Code')).toBe('400')
    expect(await addtransport.natsClient(caller, { prefix }).sum(ctx(), { a: 1, b: 2 })).toEqual({ v: 3 })
  })

  it('maps the rate limit to 429 and rebuilds RateLimitedError', async () => {
    const p = `${prefix}-limited`
    serve(p, endpoints({ sum: 1, concat: 1 }))
    await server.flush()
    const client = addtransport.natsClient(caller, { prefix: p })
    await client.sum(ctx(), { a: 1, b: 2 })
    await expect(client.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(RateLimitedError)
  })

  it('sends the deadline in a header; caller and server both give up when it passes', async () => {
    const p = `${prefix}-stall`
    const stall = stalling()
    serve(p, endpoints(undefined, stall.svc))
    await server.flush()
    const aborted = stall.aborted()
    const err = await addtransport.natsClient(caller, { prefix: p }).sum({ ...background('d'), deadline: Date.now() + 150 }, { a: 1, b: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DeadlineExceededError)
    expect(await aborted).toBeInstanceOf(DeadlineExceededError)
  })

  it('carries the request id and traceparent in headers', async () => {
    const p = `${prefix}-ctx`
    const stall = stalling()
    serve(p, endpoints(undefined, stall.svc))
    await server.flush()
    const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    await addtransport.natsClient(caller, { prefix: p }).concat({ ...background('req-9'), trace }, { a: 'a', b: 'b' })
    expect(stall.seen.at(-1)).toMatchObject({ requestId: 'req-9', trace, transport: 'nats' })
  })

  it('shares the load between instances in the queue group', async () => {
    const p = `${prefix}-queue`
    const one = stalling()
    const two = stalling()
    serve(p, endpoints(undefined, one.svc))
    serve(p, endpoints(undefined, two.svc))
    await server.flush()
    const client = addtransport.natsClient(caller, { prefix: p })
    for (let i = 0; i < 40; i++) await client.concat(ctx(), { a: 'a', b: String(i) })
    expect(one.seen.length + two.seen.length).toBe(40)
    expect(one.seen.length).toBeGreaterThan(0)
    expect(two.seen.length).toBeGreaterThan(0)
  })

  it('fails with UnavailableError when no instance serves the subject', async () => {
    const client = addtransport.natsClient(caller, { prefix: `${prefix}-nobody` })
    await expect(client.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(UnavailableError)
  })
})
