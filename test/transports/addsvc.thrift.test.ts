// addsvc over Thrift through real sockets on 127.0.0.1: Go kit's AddService
// (business errors in the reply's err field, faults as application
// exceptions), every protocol and framing, i64 values refused rather than
// rounded, deadlines, cancellation and graceful close; and interop both ways
// with the code the Apache Thrift compiler generates, driven by the thrift
// library's own client and server.
import { createRequire } from 'node:module'
import { connect as dial, type Server } from 'node:net'
import * as thrift from 'thrift'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import { CancelledError, DeadlineExceededError, KitError, RateLimitedError, UnavailableError } from '../../src/kit/errors.js'
import * as kitthriftc from '../../src/kit/transport/thrift-client.js'
import type { Protocol, Wire } from '../../src/kit/transport/thrift-codec.js'
import * as kitthrift from '../../src/kit/transport/thrift-server.js'
import { BadRequestError } from '../../src/kit/transport/wire.js'
import * as addservice from '../../src/services/addsvc/index.js'
import { thriftServer } from '../../src/transports/addsvc/thrift.js'
import { type ThriftClient, thriftClient } from '../../src/transports/addsvc/thrift-client.js'
import { endpoints, stalling } from '../helpers/addsvc.js'
import { freePort } from '../helpers/net.js'
import { ctx, log, tracer } from '../helpers/nop.js'

// The compiler's code for addsvc.thrift (CommonJS; see its README), typed as far as the tests use it.
interface GenReply<V> { readonly value: V; readonly err: string }
interface GenClient {
  Sum(a: thrift.Int64 | number, b: thrift.Int64 | number): Promise<GenReply<thrift.Int64>>
  Concat(a: string, b: string): Promise<GenReply<string>>
}
interface GenHandler {
  Sum(a: thrift.Int64, b: thrift.Int64): Promise<GenReply<number>>
  Concat(a: string, b: string): Promise<GenReply<string>>
}
const require = createRequire(import.meta.url)
const gen = require('../../src/transports/addsvc/thrift-gen/AddService.js') as unknown
const genTypes = require('../../src/transports/addsvc/thrift-gen/addsvc_types.js') as {
  SumReply: new (v: GenReply<number>) => unknown
  ConcatReply: new (v: GenReply<string>) => unknown
}

const libProtocols = { binary: thrift.TBinaryProtocol, compact: thrift.TCompactProtocol, json: thrift.TJSONProtocol } as const
const libOptions = (w: Wire) => ({ protocol: libProtocols[w.protocol], transport: w.framed ? thrift.TFramedTransport : thrift.TBufferedTransport })
const goKitDefault: Wire = { protocol: 'binary', framed: false, buffered: false }

/** start serves addsvc's real endpoints (or e) on a free loopback port. */
async function start(wire: Wire = goKitDefault, e = endpoints()) {
  const server = thriftServer(e, { log, tracer, wire })
  const port = await kitthrift.listen(server, '127.0.0.1', 0)
  return { server, port, url: `thrift://127.0.0.1:${port}?protocol=${wire.protocol}&framed=${wire.framed}&buffered=${wire.buffered}` }
}

/** libClient is the thrift library's client (generated code, its Connection) for the instance on port. */
function libClient(port: number, wire: Wire = goKitDefault): { client: GenClient; end(): void } {
  const conn = thrift.createConnection('127.0.0.1', port, libOptions(wire))
  conn.on('error', () => {})
  return { client: thrift.createClient(gen as thrift.TClientConstructor<GenClient>, conn), end: () => conn.end() }
}

const fault = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { type?: number; message: string })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const wires: Wire[] = (['binary', 'compact', 'json'] satisfies Protocol[]).flatMap((protocol) =>
  [false, true].flatMap((framed) => [false, true].map((buffered) => ({ protocol, framed, buffered }))),
)

describe('addsvc over Thrift: our client and server, every protocol and framing', () => {
  it.each(wires)('%o: sums, concatenates and rebuilds business errors', async (wire) => {
    const srv = await start(wire)
    const client = thriftClient(srv.url)
    try {
      // Concurrent calls share the one connection and are matched by sequence id.
      const [s, n, c] = await Promise.all([
        client.sum(ctx(), { a: 20, b: 22 }),
        client.sum(ctx(), { a: -5, b: -7 }),
        client.concat(ctx(), { a: 'go', b: 'kit' }),
      ])
      expect([s, n, c]).toEqual([{ v: 42 }, { v: -12 }, { v: 'gokit' }])
      await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
    } finally {
      client.close()
      await kitthrift.close(srv.server, 1_000)
    }
  })

  it.each(wires.filter((w) => !w.buffered))('%o: reads a call that arrives in many packets', async (wire) => {
    const srv = await start(wire)
    const client = thriftClient(srv.url)
    try {
      const big = 'x'.repeat(300_000) // several reads on loopback, each one a partial message
      await expect(client.concat(ctx(), { a: big, b: big })).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
      expect(await client.concat(ctx(), { a: 'a', b: 'b' })).toEqual({ v: 'ab' })
    } finally {
      client.close()
      await kitthrift.close(srv.server, 1_000)
    }
  })

  it('speaks the library client with each protocol and framing', async () => {
    for (const wire of wires.filter((w) => !w.buffered)) {
      const srv = await start(wire)
      const lib = libClient(srv.port, wire)
      try {
        const r = await lib.client.Sum(20, 22)
        expect([r.value.toNumber(), r.err]).toEqual([42, ''])
        expect(await lib.client.Concat('a', 'b')).toMatchObject({ value: 'ab', err: '' })
      } finally {
        lib.end()
        await kitthrift.close(srv.server, 1_000)
      }
    }
  })
})

describe('addsvc over Thrift: the wire, as the library client sees it', () => {
  let srv: Awaited<ReturnType<typeof start>>
  let lib: ReturnType<typeof libClient>
  let client: ThriftClient
  beforeAll(async () => {
    srv = await start()
    lib = libClient(srv.port)
    client = thriftClient(srv.url)
  })
  afterAll(async () => {
    lib.end()
    client.close()
    await kitthrift.close(srv.server, 1_000)
  })

  it("answers business errors in the reply's err field, and our client rebuilds the same classes", async () => {
    const zero = await lib.client.Sum(0, 0)
    expect([zero.value.toNumber(), zero.err]).toEqual([0, "can't sum two zeroes"])
    expect((await lib.client.Sum(2 ** 31 - 1, 1)).err).toBe('integer overflow')
    expect(await lib.client.Concat('héllo', 'wörl')).toMatchObject({ value: '', err: 'result exceeds maximum size' })
    await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
    await expect(client.sum(ctx(), { a: 2 ** 31 - 1, b: 1 })).rejects.toBeInstanceOf(addservice.IntOverflowError)
    await expect(client.concat(ctx(), { a: 'héllo', b: 'wörl' })).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
  })

  it('refuses an i64 beyond 2^53 with PROTOCOL_ERROR instead of rounding it, and keeps the connection', async () => {
    const big = new thrift.Int64('0020000000000001') // 2^53 + 1, which a JavaScript number would round to 2^53
    const ex = await fault(lib.client.Sum(big, 1))
    expect(ex?.type).toBe(thrift.Thrift.TApplicationExceptionType.PROTOCOL_ERROR)
    expect(ex?.message).toBe('BAD_REQUEST (400): field a must be an integer between -(2^53-1) and 2^53-1, got 9007199254740993')
    expect((await lib.client.Sum(1, 2)).value.toNumber()).toBe(3)
    // Our client refuses to send one, and sends nothing.
    await expect(client.sum(ctx(), { a: 2 ** 60, b: 1 })).rejects.toBeInstanceOf(BadRequestError)
    expect(await client.sum(ctx(), { a: 1, b: 2 })).toEqual({ v: 3 })
  })

  it('answers UNKNOWN_METHOD to a method it does not serve', async () => {
    const conn = kitthriftc.connect(kitthriftc.parseTarget(srv.url))
    try {
      const err = await conn.call(ctx(), 'Multiply', (out) => (out.writeStructBegin('args'), out.writeFieldStop(), out.writeStructEnd()), () => 0).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KitError)
      expect(err).toMatchObject({ code: 'UNIMPLEMENTED', status: 501, message: 'Unknown function Multiply' })
    } finally {
      conn.close()
    }
  })

  it('hangs up on bytes that are not Thrift, and keeps serving others', async () => {
    const sock = dial(srv.port, '127.0.0.1')
    sock.on('data', () => {})
    const closed = new Promise((r) => sock.on('close', r))
    sock.write(Buffer.from([0x81, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]))
    await closed
    expect(await client.concat(ctx(), { a: 'still', b: 'up' })).toEqual({ v: 'stillup' })
  })
})

describe('addsvc over Thrift: our client against the thrift library server', () => {
  let server: Server
  let port: number
  beforeAll(async () => {
    const handler: GenHandler = {
      async Sum(a, b) {
        const v = a.toNumber() + b.toNumber()
        if (v === 99) throw new Error('library handler failed')
        return new genTypes.SumReply({ value: v, err: v === 0 ? "can't sum two zeroes" : '' }) as GenReply<number>
      },
      async Concat(a, b) {
        return new genTypes.ConcatReply({ value: a + b, err: '' }) as GenReply<string>
      },
    }
    server = thrift.createServer(gen as thrift.TProcessorConstructor<unknown, GenHandler>, handler, {}) as unknown as Server
    port = await kitthrift.listen(server, '127.0.0.1', 0)
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('sums, concatenates, and rebuilds business errors and the exceptions it sends', async () => {
    const client = thriftClient(`thrift://127.0.0.1:${port}`)
    try {
      expect(await client.sum(ctx(), { a: 20, b: 22 })).toEqual({ v: 42 })
      expect(await client.concat(ctx(), { a: 'go', b: 'kit' })).toEqual({ v: 'gokit' })
      await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
      // It names no failure (and, thrift 0.24's TApplicationException.write dropping the type, no kind either).
      await expect(client.sum(ctx(), { a: 90, b: 9 })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', status: 502, message: 'library handler failed' })
      // A reply that arrives in many packets, pipelined with a small one.
      const big = 'y'.repeat(300_000)
      const [long, short] = await Promise.all([client.concat(ctx(), { a: big, b: big }), client.concat(ctx(), { a: 'a', b: 'b' })])
      expect([long.v.length, short.v]).toEqual([600_000, 'ab'])
    } finally {
      client.close()
    }
  })
})

describe('addsvc over Thrift: faults, deadlines, cancellation and close', () => {
  it('sends the rate limit as INTERNAL_ERROR naming RATE_LIMITED, and our client rebuilds RateLimitedError', async () => {
    const srv = await start(goKitDefault, endpoints({ sum: 1, concat: 1 }))
    const lib = libClient(srv.port)
    const client = thriftClient(srv.url)
    try {
      expect((await lib.client.Sum(1, 2)).value.toNumber()).toBe(3)
      const ex = await fault(lib.client.Sum(1, 2))
      expect(ex?.type).toBe(thrift.Thrift.TApplicationExceptionType.INTERNAL_ERROR)
      expect(ex?.message).toBe('RATE_LIMITED (429): rate limit exceeded')
      const err = await client.sum(ctx(), { a: 1, b: 2 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RateLimitedError)
      expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    } finally {
      lib.end()
      client.close()
      await kitthrift.close(srv.server, 1_000)
    }
  })

  it('fails a call whose deadline passes with DeadlineExceededError, keeps the connection, and the server cancels the work when the client goes', async () => {
    const stall = stalling()
    const srv = await start(goKitDefault, endpoints(undefined, stall.svc))
    const client = thriftClient(srv.url)
    try {
      const started = Date.now()
      const err = await client.sum({ ...background('deadline'), deadline: Date.now() + 150 }, { a: 1, b: 2 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DeadlineExceededError)
      expect(err).toMatchObject({ code: 'DEADLINE_EXCEEDED' })
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(await client.concat(ctx(), { a: 'a', b: 'b' })).toEqual({ v: 'ab' })
      expect(stall.seen.at(-1)).toMatchObject({ transport: 'thrift', requestId: expect.stringMatching(/^[\da-f]{12}-[\da-z]+$/) })
      const aborted = stall.aborted()
      client.close()
      expect(await aborted).toBeInstanceOf(CancelledError)
    } finally {
      client.close()
      await kitthrift.close(srv.server, 1_000)
    }
  })

  it("fails with CancelledError when the caller's signal aborts", async () => {
    const stall = stalling()
    const srv = await start(goKitDefault, endpoints(undefined, stall.svc))
    const client = thriftClient(srv.url)
    try {
      const ac = new AbortController()
      const pending = client.sum({ ...background('cancel'), signal: ac.signal }, { a: 1, b: 2 }).catch((e: unknown) => e)
      while (stall.seen.length === 0) await sleep(5)
      ac.abort(new CancelledError())
      expect(await pending).toBeInstanceOf(CancelledError)
    } finally {
      client.close()
      await kitthrift.close(srv.server, 1_000)
    }
  })

  it('close() lets a call in flight answer, refuses new ones, then stops listening', async () => {
    const real = addservice.makeBasic()
    let started = 0
    const slow: addservice.Service = {
      async sum(c, a, b) {
        started++
        await sleep(200)
        return real.sum(c, a, b)
      },
      concat: (c, a, b) => real.concat(c, a, b),
    }
    const srv = await start(goKitDefault, endpoints(undefined, slow))
    const client = thriftClient(srv.url)
    try {
      const inFlight = client.sum(ctx(), { a: 1, b: 2 })
      while (started === 0) await sleep(5)
      const closing = kitthrift.close(srv.server, 2_000)
      const late = await client.concat(ctx(), { a: 'too', b: 'late' }).catch((e: unknown) => e)
      expect(late).toBeInstanceOf(UnavailableError)
      expect(late).toMatchObject({ message: 'server is shutting down' })
      expect(await inFlight).toEqual({ v: 3 })
      await closing
      await expect(client.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(UnavailableError)
    } finally {
      client.close()
    }
  })

  it('reconnects after the connection drops, and fails with UnavailableError when nothing listens', async () => {
    const port = await freePort()
    const wire = goKitDefault
    const client = thriftClient(`thrift://127.0.0.1:${port}`)
    try {
      await expect(client.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(UnavailableError)
      const first = thriftServer(endpoints(), { log, tracer, wire })
      await kitthrift.listen(first, '127.0.0.1', port)
      expect(await client.sum(ctx(), { a: 1, b: 2 })).toEqual({ v: 3 })
      await kitthrift.close(first, 1_000)
      const second = thriftServer(endpoints(), { log, tracer, wire })
      await kitthrift.listen(second, '127.0.0.1', port)
      expect(await client.sum(ctx(), { a: 2, b: 3 })).toEqual({ v: 5 })
      await kitthrift.close(second, 1_000)
    } finally {
      client.close()
    }
  })

  it('reads thrift:// URLs and refuses bad ones', () => {
    expect(kitthriftc.parseTarget('thrift://127.0.0.1:8083')).toEqual({ host: '127.0.0.1', port: 8083, ...goKitDefault })
    expect(kitthriftc.parseTarget('thrift://[::1]:9?protocol=compact&framed=true&buffered=true')).toEqual({
      host: '::1', port: 9, protocol: 'compact', framed: true, buffered: true,
    })
    expect(() => kitthriftc.parseTarget('thrift://h:1?protocol=simplejson')).toThrow(/protocol must be/)
    expect(() => kitthriftc.parseTarget('thrift://h:1?framed=yes')).toThrow(/framed must be true or false/)
    expect(() => kitthriftc.parseTarget('thrift://h')).toThrow(/want thrift:\/\/host:port/)
  })
})
