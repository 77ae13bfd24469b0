/**
 * The Thrift client side of the kit, the same shape as grpc-client: `connect`
 * keeps one persistent connection to an instance (opened on the first call,
 * opened again on the next call after it drops) on which calls are
 * pipelined and matched to replies by sequence id, and `unary` turns it and
 * a method's struct codecs into an Endpoint. A call honours the caller's
 * deadline and signal (DeadlineExceededError, CancelledError; a reply that
 * comes later is read and dropped). Failures are rebuilt: a business error
 * in the reply (Go kit's `err` field) from its message, through the
 * service's fromMessage; an application exception from the code its message
 * names (see thrift-codec's faultMessage), through fromCode or the kit's
 * classes, or from its type when a server (Go kit's processor) names no code.
 * A connection that cannot be opened or drops is
 * UnavailableError. Plain Thrift has no headers, so neither the request id
 * nor the trace context crosses. No policy lives here.
 */
import { connect as dial, type Socket } from 'node:net'
import { Thrift, type TProtocol } from 'thrift'
import { type Context, remaining } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { DeadlineExceededError, type DomainError, fromAbort, KitError, UnavailableError } from '../errors.js'
import { nop, type Tracer } from '../tracing.js'
import {
  applicationException,
  ExceptionType,
  isProtocol,
  parseFault,
  readResult,
  reader,
  type Send,
  sender,
  type Struct,
  type Wire,
} from './thrift-codec.js'
import { BadRequestError, type DecodeError, rebuildError } from './wire.js'

/** Target is one instance and how to speak to it. */
export interface Target extends Wire {
  readonly host: string
  readonly port: number
}

/**
 * parseTarget reads thrift://host:port[?protocol=binary|compact|json&framed=true&buffered=true]
 * (defaults: binary, unframed, unbuffered, as Go kit's addcli).
 */
export function parseTarget(url: string): Target {
  const u = new URL(url)
  const protocol = u.searchParams.get('protocol') ?? 'binary'
  const flag = (name: string): boolean => {
    const v = u.searchParams.get(name) ?? 'false'
    if (v !== 'true' && v !== 'false') throw new Error(`thrift URL ${url}: ${name} must be true or false`)
    return v === 'true'
  }
  if (u.protocol !== 'thrift:' || u.port === '') throw new Error(`thrift URL ${url}: want thrift://host:port`)
  if (!isProtocol(protocol)) throw new Error(`thrift URL ${url}: protocol must be binary, compact or json`)
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), protocol, framed: flag('framed'), buffered: flag('buffered') }
}

/** Connection is one instance's persistent connection; close ends it and fails what is pending. */
export interface Connection {
  /** call sends one call and resolves with what read takes from the reply's result struct. */
  call<T>(ctx: Context, method: string, writeArgs: (output: TProtocol) => void, read: (input: TProtocol) => T): Promise<T>
  close(): void
}

interface Pending {
  /** read reads the reply (of the given message type) to this call and returns what settles the call. */
  readonly read: (input: TProtocol, type: Thrift.MessageType) => () => void
  readonly fail: (err: Error) => void
}

/** RemoteFault is an application exception as it arrived; unary rebuilds it with the service's codes. */
class RemoteFault extends KitError {
  constructor(ex: { readonly message: string; readonly type: number }) {
    // A server that names no failure (Go kit's processor) still says what kind it was.
    const [code, status] =
      ex.type === ExceptionType.UNKNOWN_METHOD ? ['UNIMPLEMENTED', 501] : ex.type === ExceptionType.PROTOCOL_ERROR ? ['BAD_REQUEST', 400] : ['UPSTREAM_ERROR', 502]
    const named = parseFault(ex.message)
    super(named?.code ?? code, named?.status ?? status, named?.message ?? ex.message)
  }
}

// The server is trusted more than a caller, but not without bound.
const maxReplyBytes = 64 << 20

/** connect returns the Connection to target; nothing is dialled until the first call. */
export function connect(target: Target): Connection {
  const addr = `thrift://${target.host}:${target.port}`
  const pending = new Map<number, Pending>()
  let open: { readonly socket: Socket; readonly send: Send } | undefined
  let seq = 0
  let closed = false

  const failAll = (err: Error): void => {
    const all = [...pending.values()]
    pending.clear()
    for (const p of all) p.fail(err)
  }
  const dialled = (): { readonly socket: Socket; readonly send: Send } => {
    if (open !== undefined) return open
    const socket = dial({ host: target.host, port: target.port, noDelay: true })
    const current = (open = { socket, send: sender(target, socket) })
    let cause: Error | undefined
    const onData = reader(target, maxReplyBytes, (input) => {
      const head = input.readMessageBegin()
      const p = pending.get(head.rseqid)
      let settle: (() => void) | undefined
      if (p === undefined) input.skip(Thrift.Type.STRUCT) // the reply to a call that gave up
      else settle = p.read(input, head.mtype)
      input.readMessageEnd()
      // Only now is the message whole; until then it may be read again from its start.
      pending.delete(head.rseqid)
      settle?.()
    })
    socket.on('data', (data: Buffer) => {
      try {
        onData(data)
      } catch (err) {
        cause = new KitError('UPSTREAM_ERROR', 502, `unreadable reply from ${addr}: ${(err as Error).message}`)
        failAll(cause)
        socket.destroy()
      }
    })
    const forget = (): void => {
      if (open === current) open = undefined
    }
    socket.on('end', forget) // the server is closing: new calls dial again
    socket.on('error', (err) => (cause ??= err))
    socket.on('close', () => {
      forget()
      failAll(cause instanceof KitError ? cause : new UnavailableError(`${addr}: ${cause?.message ?? 'connection closed'}`, cause ? { cause } : undefined))
    })
    return current
  }

  return {
    call(ctx, method, writeArgs, read) {
      if (closed) return Promise.reject(new UnavailableError(`${addr}: client closed`))
      if (ctx.signal.aborted) return Promise.reject(fromAbort(ctx.signal))
      const left = remaining(ctx)
      if (left === 0) return Promise.reject(new DeadlineExceededError())
      return new Promise((resolve, reject) => {
        const id = (seq = seq === 0x7fffffff ? 1 : seq + 1)
        const onAbort = (): void => give(fromAbort(ctx.signal))
        const timer = left === undefined ? undefined : setTimeout(() => give(new DeadlineExceededError()), left)
        const done = (): void => {
          clearTimeout(timer)
          ctx.signal.removeEventListener('abort', onAbort)
        }
        const give = (err: Error): void => {
          pending.delete(id)
          done()
          reject(err)
        }
        ctx.signal.addEventListener('abort', onAbort, { once: true })
        pending.set(id, {
          fail: give,
          read(input, type) {
            try {
              if (type === Thrift.MessageType.EXCEPTION) {
                const fault = new RemoteFault(applicationException.read(input))
                return () => (done(), reject(fault))
              }
              const value = read(input)
              return () => (done(), resolve(value))
            } catch (err) {
              // A refused value was read to its end, so the stream is still in step; anything else is not.
              if (!(err instanceof BadRequestError)) throw err
              return () => give(new KitError('UPSTREAM_ERROR', 502, `reply to ${method} from ${addr}: ${err.message}`))
            }
          },
        })
        try {
          dialled().send(method, Thrift.MessageType.CALL, id, writeArgs)
        } catch (err) {
          give(err as Error) // an argument the struct refuses: nothing was sent
        }
      })
    },
    close() {
      closed = true
      open?.socket.end()
      failAll(new UnavailableError(`${addr}: client closed`))
    },
  }
}

/** ClientCodec maps endpoint types to and from a method's argument and reply structs. */
export interface ClientCodec<Req, Res, Args, Result> {
  readonly args: Struct<Args>
  readonly reply: Struct<Result>
  readonly encode: (req: Req) => Args
  readonly decode: (reply: Result) => Res
  /** replyError returns the business error message a reply carries (Go kit's err field), if any. */
  readonly replyError?: (reply: Result) => string | undefined
}

/** ClientOptions are what every method of one remote service shares. */
export interface ClientOptions {
  /** decodeError rebuilds a domain error from the code an exception names (the service's fromCode). */
  readonly decodeError: DecodeError
  /** fromMessage rebuilds a business error from the message in a reply, all Go kit's server sends. */
  readonly fromMessage: (message: string) => DomainError | undefined
  /** tracer opens the client span (default: none). */
  readonly tracer?: Tracer
}

/** unary returns an Endpoint that calls method on conn, once per request. */
export function unary<Req, Res, Args, Result>(
  conn: Connection,
  method: string,
  codec: ClientCodec<Req, Res, Args, Result>,
  opts: ClientOptions,
): Endpoint<Req, Res> {
  const tracer = opts.tracer ?? nop()
  const call = async (ctx: Context, req: Req): Promise<Res> => {
    const args = codec.encode(req)
    let reply: Result | undefined
    try {
      reply = await conn.call(ctx, method, (out) => codec.args.write(out, args), (input) => readResult(input, codec.reply))
    } catch (err) {
      throw err instanceof RemoteFault ? rebuildError(err.code, err.status, err.message, opts.decodeError) : err
    }
    if (reply === undefined) throw new KitError('UPSTREAM_ERROR', 502, `${method} failed: unknown result`)
    const message = codec.replyError?.(reply)
    if (message === undefined || message === '') return codec.decode(reply)
    throw opts.fromMessage(message) ?? new KitError('REMOTE_ERROR', 500, message)
  }
  return function thriftCall(ctx, req) {
    return tracer.enabled ? tracer.run(ctx, `thrift ${method}`, 'client', (c) => call(c, req)) : call(ctx, req)
  }
}
