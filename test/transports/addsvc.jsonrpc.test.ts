// addsvc over JSON-RPC 2.0 through a listening node:http server: Go kit's
// methods and result shape, every way of breaking the specification (each
// answered with its standard error code and the server still serving),
// batches and notifications, and deadlines, cancellation, request ids and
// trace context crossing the wire.
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import { CancelledError, DeadlineExceededError, KitError, RateLimitedError, UnavailableError } from '../../src/kit/errors.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { endpoints, stalling } from '../helpers/addsvc.js'
import { freePort } from '../helpers/process.js'
import { ctx, log, tracer } from '../helpers/nop.js'

async function start(e = endpoints()) {
  const server = kitjsonrpc.jsonrpcServer({ methods: addtransport.jsonrpcMethods(e), log, tracer, bodyLimit: 1024 })
  const port = await kitjsonrpc.listen(server, '127.0.0.1', 0)
  return { server, url: `http://127.0.0.1:${port}` }
}

let srv: { server: Server; url: string }
beforeAll(async () => (srv = await start()))
afterAll(() => kitjsonrpc.close(srv.server))

/** rpc POSTs a raw body and returns the status and parsed body (undefined when empty). */
async function rpc(body: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(srv.url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, ...init })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}
const call = (method: string, params: unknown, id: unknown = 1) => rpc(JSON.stringify({ jsonrpc: '2.0', method, params, id }))

describe('JSON-RPC methods', () => {
  it('answers sum and concat with {v}', async () => {
    expect(await call('sum', { a: 20, b: 22 })).toEqual({ status: 200, body: { jsonrpc: '2.0', result: { v: 42 }, id: 1 } })
    expect((await call('concat', { a: 'go', b: 'kit' }, 'x')).body).toEqual({ jsonrpc: '2.0', result: { v: 'gokit' }, id: 'x' })
  })

  it('answers a business error with -32000, Go kit style, and our code in data', async () => {
    expect((await call('sum', { a: 0, b: 0 }, 7)).body).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: "can't sum two zeroes", data: { code: 'TWO_ZEROES' } },
      id: 7,
    })
  })
})

describe('JSON-RPC specification violations', () => {
  const errorOf = (r: { body: unknown }) => (r.body as { error: { code: number; message: string }; id: unknown })

  it('answers -32700 to a body that is not JSON', async () => {
    const r = await rpc('{"jsonrpc": "2.0", "method": "sum"')
    expect(r.status).toBe(200)
    expect(errorOf(r).error.code).toBe(-32700)
    expect(errorOf(r).id).toBeNull()
  })

  it('answers -32600 to invalid request objects', async () => {
    const cases: [string, RegExp][] = [
      ['{"jsonrpc": "1.0", "method": "sum", "params": {"a": 1, "b": 2}, "id": 1}', /jsonrpc must be exactly "2.0"/],
      ['{"jsonrpc": "2.0", "method": 1, "id": 1}', /method must be a string/],
      ['{"jsonrpc": "2.0", "method": "sum", "params": 5, "id": 1}', /params must be an object or an array/],
      ['{"jsonrpc": "2.0", "method": "sum", "params": {"a": 1, "b": 2}, "id": {}}', /id must be a string, a number or null/],
      ['42', /request must be an object/],
      ['[]', /batch must not be empty/],
    ]
    for (const [body, message] of cases) {
      const r = await rpc(body)
      expect(r.status, body).toBe(200)
      expect(errorOf(r).error.code, body).toBe(-32600)
      expect(errorOf(r).error.message, body).toMatch(message)
    }
  })

  it('answers -32601 to an unknown method', async () => {
    const r = await call('multiply', { a: 1, b: 2 }, 3)
    expect(errorOf(r)).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'method multiply not found' }, id: 3 })
  })

  it('answers -32602 naming the field for params of the wrong shape', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['sum', { a: 1 }, /params must have required property 'b'/],
      ['sum', { a: '1', b: 2 }, /params\.a must be an integer/],
      ['sum', { a: 1.5, b: 2 }, /params\.a must be an integer/],
      ['sum', { a: 9007199254740993, b: 1 }, /params\.a must be an integer between/],
      ['sum', { a: 1, b: 2, c: 3 }, /params must not have property 'c'/],
      ['sum', [1, 2], /params must be an object \{a, b\}/],
      ['concat', { a: 'x', b: 1 }, /params\.b must be a string/],
    ]
    for (const [method, params, message] of cases) {
      const r = await call(method, params)
      expect(errorOf(r).error.code, JSON.stringify(params)).toBe(-32602)
      expect(errorOf(r).error.message, JSON.stringify(params)).toMatch(message)
    }
  })

  it('answers 405 to a method other than POST and 413 to a body over the limit', async () => {
    const get = await fetch(srv.url)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const big = await call('concat', { a: 'x'.repeat(2048), b: '' })
    expect(big.status).toBe(413)
    expect(errorOf(big).error.code).toBe(-32600)
  })

  it('is still serving after all of the above', async () => {
    expect((await call('sum', { a: 1, b: 2 })).body).toEqual({ jsonrpc: '2.0', result: { v: 3 }, id: 1 })
  })
})

describe('JSON-RPC batches and notifications', () => {
  it('runs a notification and answers nothing (HTTP 204)', async () => {
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: { a: 1, b: 2 } }))).toEqual({ status: 204, body: undefined })
  })

  it('answers a batch with one reply per request, none for notifications', async () => {
    const r = await rpc(
      JSON.stringify([
        { jsonrpc: '2.0', method: 'sum', params: { a: 1, b: 2 }, id: 1 },
        { jsonrpc: '2.0', method: 'sum', params: { a: 5, b: 5 } },
        1,
        { jsonrpc: '2.0', method: 'nope', id: 'n' },
        { jsonrpc: '2.0', method: 'concat', params: { a: 'a', b: 'b' }, id: 2 },
      ]),
    )
    expect(r.status).toBe(200)
    expect(r.body).toEqual([
      { jsonrpc: '2.0', result: { v: 3 }, id: 1 },
      { jsonrpc: '2.0', error: { code: -32600, message: 'request must be an object' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'method nope not found' }, id: 'n' },
      { jsonrpc: '2.0', result: { v: 'ab' }, id: 2 },
    ])
  })

  it('answers nothing to a batch of notifications', async () => {
    const r = await rpc(JSON.stringify([{ jsonrpc: '2.0', method: 'sum', params: { a: 1, b: 2 } }, { jsonrpc: '2.0', method: 'concat', params: { a: 'a', b: 'b' } }]))
    expect(r).toEqual({ status: 204, body: undefined })
  })
})

describe('JSON-RPC client', () => {
  it('rebuilds domain and kit errors as the same classes', async () => {
    const client = addtransport.jsonrpcClient(srv.url)
    expect(await client.sum(ctx(), { a: 2, b: 3 })).toEqual({ v: 5 })
    await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
    await expect(client.concat(ctx(), { a: 'héllo', b: 'wörl' })).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
    const limited = await start(endpoints({ sum: 1, concat: 1 }))
    try {
      const c = addtransport.jsonrpcClient(limited.url)
      await c.sum(ctx(), { a: 1, b: 2 })
      await expect(c.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(RateLimitedError)
    } finally {
      await kitjsonrpc.close(limited.server)
    }
  })

  it('sends the deadline in x-request-timeout-ms; the server cancels the work when it passes', async () => {
    const stall = stalling()
    const s = await start(endpoints(undefined, stall.svc))
    try {
      const aborted = stall.aborted()
      const err = await addtransport.jsonrpcClient(s.url).sum({ ...background('d'), deadline: Date.now() + 150 }, { a: 1, b: 2 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DeadlineExceededError)
      expect(await aborted).toBeInstanceOf(DeadlineExceededError)
    } finally {
      await kitjsonrpc.close(s.server)
    }
  })

  it('cancels the work on the server when the caller goes away', async () => {
    const stall = stalling()
    const s = await start(endpoints(undefined, stall.svc))
    try {
      const ac = new AbortController()
      const aborted = stall.aborted()
      const pending = addtransport.jsonrpcClient(s.url).sum({ ...background('c'), signal: ac.signal }, { a: 1, b: 2 }).catch((e: unknown) => e)
      while (stall.seen.length === 0) await new Promise((r) => setTimeout(r, 10))
      ac.abort(new CancelledError())
      expect(await pending).toBeInstanceOf(CancelledError)
      expect(await aborted).toBeInstanceOf(CancelledError)
    } finally {
      await kitjsonrpc.close(s.server)
    }
  })

  it('carries the request id and traceparent in headers', async () => {
    const stall = stalling()
    const s = await start(endpoints(undefined, stall.svc))
    try {
      const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
      await addtransport.jsonrpcClient(s.url).concat({ ...background('req-7'), trace }, { a: 'a', b: 'b' })
      expect(stall.seen.at(-1)).toMatchObject({ requestId: 'req-7', trace, transport: 'jsonrpc' })
    } finally {
      await kitjsonrpc.close(s.server)
    }
  })

  it('fails with UnavailableError when nothing listens', async () => {
    const err = await addtransport.jsonrpcClient(`http://127.0.0.1:${await freePort()}`).sum(ctx(), { a: 1, b: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnavailableError)
    expect(err).toBeInstanceOf(KitError)
  })
})
