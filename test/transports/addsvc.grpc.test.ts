// addsvc over gRPC through a listening grpc-js server: Go kit's pb.Add wire
// format (business errors in the reply's err field with status OK), faults as
// gRPC statuses, wrong-shaped messages answered INVALID_ARGUMENT with the
// server still serving, and deadlines, cancellation, request ids and trace
// context crossing the wire.
import { Client, credentials, Metadata, type MethodDefinition, Server, type ServiceError, status, type StatusObject } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import { CancelledError, DeadlineExceededError, KitError, RateLimitedError, UnavailableError } from '../../src/kit/errors.js'
import * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { definition } from '../../src/transports/addsvc/pb.js'
import { endpoints, stalling } from '../helpers/addsvc.js'
import { freePort } from '../helpers/process.js'
import { ctx, log, tracer } from '../helpers/nop.js'

/** start serves endpoints on a free loopback port. */
async function start(e = endpoints()) {
  const server = new Server()
  const svc = addtransport.grpcServer(e, { log, tracer })
  server.addService(svc.definition, svc.implementation)
  const port = await kitgrpc.listen(server, '127.0.0.1', 0)
  return { server, target: `127.0.0.1:${port}` }
}

type Raw = { value?: unknown; err?: ServiceError; st: StatusObject }

/** raw sends bytes (or a message through the definition's serializer) to a method and reports everything that came back. */
function raw(target: string, path: string, payload: Buffer, md = new Metadata()): Promise<Raw> {
  const def = definition()
  const method = Object.values(def).find((m) => m.path === path) as MethodDefinition<unknown, unknown> | undefined
  const client = new Client(target, credentials.createInsecure())
  return new Promise((resolve) => {
    let value: unknown
    let err: ServiceError | undefined
    const call = client.makeUnaryRequest(path, (b: Buffer) => b, method?.responseDeserialize ?? ((b: Buffer) => b), payload, md, (e, v) => {
      err = e ?? undefined
      value = v
    })
    call.on('status', (st: StatusObject) => {
      client.close()
      resolve({ value, ...(err ? { err } : {}), st })
    })
  })
}

const def = definition()
const sumBytes = (msg: object) => def.Sum?.requestSerialize(msg) as Buffer
const concatBytes = (msg: object) => def.Concat?.requestSerialize(msg) as Buffer

describe('addsvc over gRPC', () => {
  let srv: Awaited<ReturnType<typeof start>>
  let client: addtransport.GrpcClient
  beforeAll(async () => {
    srv = await start()
    client = addtransport.grpcClient(srv.target)
  })
  afterAll(async () => {
    client.close()
    await kitgrpc.shutdown(srv.server, 1_000)
  })

  it('sums and concatenates', async () => {
    expect(await client.sum(ctx(), { a: 20, b: 22 })).toEqual({ v: 42 })
    expect(await client.concat(ctx(), { a: 'go', b: 'kit' })).toEqual({ v: 'gokit' })
  })

  it("answers a business error in the reply's err field with status OK and the code in a trailer", async () => {
    const r = await raw(srv.target, '/pb.Add/Sum', sumBytes({ a: 0, b: 0 }))
    expect(r.st.code).toBe(status.OK)
    expect(r.value).toEqual({ v: '0', err: "can't sum two zeroes" })
    expect(r.st.metadata.get('x-error-code')).toEqual(['TWO_ZEROES'])
    await expect(client.sum(ctx(), { a: 0, b: 0 })).rejects.toBeInstanceOf(addservice.TwoZeroesError)
    await expect(client.concat(ctx(), { a: 'héllo', b: 'wörl' })).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
  })

  it('answers INVALID_ARGUMENT to a message of the wrong shape, naming the field, and keeps serving', async () => {
    const wrong = await raw(srv.target, '/pb.Add/Sum', concatBytes({ a: 'hello', b: 'x' }))
    expect(wrong.err?.code).toBe(status.INVALID_ARGUMENT)
    expect(wrong.err?.details).toMatch(/field a \(1\) has wire type 2, want 0 for int64/)
    expect(wrong.st.metadata.get('x-error-code')).toEqual(['BAD_REQUEST'])
    const garbage = await raw(srv.target, '/pb.Add/Sum', Buffer.from([0xff, 0xff, 0xff]))
    expect(garbage.err?.code).toBe(status.INVALID_ARGUMENT)
    expect(garbage.err?.details).toMatch(/not a valid \/pb.Add\/Sum message/)
    const truncated = await raw(srv.target, '/pb.Add/Concat', Buffer.from([0x0a, 0x05, 0x68]))
    expect(truncated.err?.code).toBe(status.INVALID_ARGUMENT)
    expect(truncated.err?.details).toMatch(/field a runs past the end/)
    expect(await client.sum(ctx(), { a: 1, b: 2 })).toEqual({ v: 3 })
  })

  it('refuses an int64 beyond 2^53 with INVALID_ARGUMENT instead of rounding it', async () => {
    const r = await raw(srv.target, '/pb.Add/Sum', sumBytes({ a: '9007199254740993', b: '1' }))
    expect(r.err?.code).toBe(status.INVALID_ARGUMENT)
    expect(r.err?.details).toMatch(/field a must be an integer .* got 9007199254740993/)
  })

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const r = await raw(srv.target, '/pb.Add/Multiply', Buffer.alloc(0))
    expect(r.err?.code).toBe(status.UNIMPLEMENTED)
  })
})

describe('addsvc over gRPC: faults, deadlines and metadata', () => {
  it('maps the rate limit to RESOURCE_EXHAUSTED and rebuilds RateLimitedError', async () => {
    const srv = await start(endpoints({ sum: 1, concat: 1 }))
    const client = addtransport.grpcClient(srv.target)
    try {
      await client.sum(ctx(), { a: 1, b: 2 })
      const r = await raw(srv.target, '/pb.Add/Sum', sumBytes({ a: 1, b: 2 }))
      expect(r.err?.code).toBe(status.RESOURCE_EXHAUSTED)
      await expect(client.sum(ctx(), { a: 1, b: 2 })).rejects.toBeInstanceOf(RateLimitedError)
    } finally {
      client.close()
      await kitgrpc.shutdown(srv.server, 1_000)
    }
  })

  it("sends the caller's deadline as the gRPC deadline, and the server cancels the work when it passes", async () => {
    const stall = stalling()
    const srv = await start(endpoints(undefined, stall.svc))
    const client = addtransport.grpcClient(srv.target)
    try {
      const aborted = stall.aborted()
      const started = Date.now()
      const err = await client.sum({ ...background('deadline'), deadline: Date.now() + 150 }, { a: 1, b: 2 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DeadlineExceededError)
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(await aborted).toBeInstanceOf(KitError)
      expect(stall.seen.at(-1)?.deadline).toBeGreaterThan(started)
    } finally {
      client.close()
      await kitgrpc.shutdown(srv.server, 1_000)
    }
  })

  it('cancels the call when the caller aborts, and the server sees the cancellation', async () => {
    const stall = stalling()
    const srv = await start(endpoints(undefined, stall.svc))
    const client = addtransport.grpcClient(srv.target)
    try {
      const ac = new AbortController()
      const aborted = stall.aborted()
      const pending = client.sum({ ...background('cancel'), signal: ac.signal }, { a: 1, b: 2 }).catch((e: unknown) => e)
      while (stall.seen.length === 0) await new Promise((r) => setTimeout(r, 10))
      ac.abort(new CancelledError())
      expect(await pending).toBeInstanceOf(CancelledError)
      expect(await aborted).toBeInstanceOf(CancelledError)
    } finally {
      client.close()
      await kitgrpc.shutdown(srv.server, 1_000)
    }
  })

  it('carries the request id and traceparent in metadata', async () => {
    const stall = stalling()
    const srv = await start(endpoints(undefined, stall.svc))
    const client = addtransport.grpcClient(srv.target)
    try {
      const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
      await client.concat({ ...background('req-42'), trace }, { a: 'a', b: 'b' })
      expect(stall.seen.at(-1)).toMatchObject({ requestId: 'req-42', trace, transport: 'grpc' })
    } finally {
      client.close()
      await kitgrpc.shutdown(srv.server, 1_000)
    }
  })

  it('fails with UnavailableError when nothing listens', async () => {
    const client = addtransport.grpcClient(`127.0.0.1:${await freePort()}`)
    try {
      await expect(client.sum({ ...background('x'), deadline: Date.now() + 3_000 }, { a: 1, b: 2 })).rejects.toBeInstanceOf(UnavailableError)
    } finally {
      client.close()
    }
  })
})
