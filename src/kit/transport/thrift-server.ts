/**
 * The Thrift server side of the kit, the same shape as grpc-server: `handler`
 * turns an Endpoint and its struct codecs into one Thrift method (read the
 * call's arguments → endpoint → result struct), and `server` serves handlers
 * over node:net, in the protocol and framing Go kit's addsvc is started with.
 * Calls on one connection run concurrently and are answered by sequence id.
 * Plain Thrift carries no headers, so each call gets a fresh request id, no
 * trace context and no deadline; its signal aborts when the connection
 * closes. A domain error may travel in the reply (Go kit's `err` field) when
 * the binding says how. Every other failure is a TApplicationException:
 * PROTOCOL_ERROR for a call we cannot accept (a bad or refused argument),
 * INTERNAL_ERROR for the rest (rate limited, circuit open, deadline…, as Go
 * kit's processor sends), UNKNOWN_METHOD for a name we do not serve, each
 * with a message naming the failure ("RATE_LIMITED (429): rate limit
 * exceeded") so clients rebuild the same class. Bytes that do not parse are
 * answered if the header was readable, then the connection is closed: an
 * unframed stream cannot be resynchronised.
 */
import { once, setMaxListeners } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { Thrift, type TMessage, type TProtocol } from 'thrift'
import { type Context, RequestContext } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, type DomainError, isDomainError, KitError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Tracer } from '../tracing.js'
import { describe, type StatusTable } from './http-server.js'
import {
  applicationException,
  ExceptionType,
  faultMessage,
  isUnderrun,
  reader,
  sender,
  type Struct,
  type Wire,
  writeResult,
} from './thrift-codec.js'
import { BadRequestError, validRequestIdOf } from './wire.js'

/** Reply is what a call answers with: a result struct, or an application exception. */
export interface Reply {
  readonly type: Thrift.MessageType.REPLY | Thrift.MessageType.EXCEPTION
  readonly write: (output: TProtocol) => void
}

/** Handler is one Thrift method: it reads a call's arguments now and returns the call to run. */
export type Handler = (input: TProtocol) => (ctx: Context) => Promise<Reply>

/** Handlers is a Thrift service's handler table over a whole Endpoints record: method sum is served as Sum, none missing. */
export type Handlers<E> = { readonly [K in keyof E & string as Capitalize<K>]: Handler }

/** MethodCodec maps a method's argument and reply structs to and from endpoint types. */
export interface MethodCodec<Req, Res, Args, Result> {
  readonly args: Struct<Args>
  readonly reply: Struct<Result>
  /** decode maps the arguments to the endpoint request; it throws BadRequestError for a bad value. */
  readonly decode: (args: Args) => Req
  readonly encode: (res: Res) => Result
  /** encodeDomainError puts a business error in the reply (Go kit's err field); without it, it is an exception. */
  readonly encodeDomainError?: (err: DomainError) => Result
}

/** HandlerOptions are what every handler of one service shares. */
export interface HandlerOptions {
  readonly log: Logger
  readonly tracer: Tracer
  /** statusByCode maps the service's domain codes to HTTP-like statuses, used when a domain error is an exception. */
  readonly statusByCode: StatusTable
}

/** exception returns the reply carrying a TApplicationException. */
export function exception(type: Thrift.TApplicationExceptionType, message: string): Reply {
  return { type: Thrift.MessageType.EXCEPTION, write: (out) => applicationException.write(out, { message, type }) }
}

/** handler returns the Thrift method that endpoint serves; name is its server span's name. */
export function handler<Req, Res, Args, Result>(
  name: string,
  endpoint: Endpoint<Req, Res>,
  codec: MethodCodec<Req, Res, Args, Result>,
  opts: HandlerOptions,
): Handler {
  const fail = (err: unknown, requestId: string): Reply => {
    const { status, body } = describe(err, opts.statusByCode)
    if (status >= 500 && !(err instanceof KitError)) {
      opts.log.error('unexpected error', { requestId, transport: 'thrift', err: err instanceof Error ? err.stack : String(err) })
    }
    const type = err instanceof BadRequestError ? ExceptionType.PROTOCOL_ERROR : ExceptionType.INTERNAL_ERROR
    return exception(type, faultMessage(body.code, status, body.error))
  }
  const reply = (value: Result): Reply => ({ type: Thrift.MessageType.REPLY, write: (out) => writeResult(out, codec.reply, value) })
  return function readCall(input) {
    let args: Args
    try {
      args = codec.args.read(input)
    } catch (err) {
      if (!(err instanceof BadRequestError)) throw err
      return async (ctx) => fail(err, ctx.requestId)
    }
    return async (ctx) => {
      try {
        return reply(codec.encode(await opts.tracer.run(ctx, name, 'server', (c) => endpoint(c, codec.decode(args)))))
      } catch (err) {
        return isDomainError(err) && codec.encodeDomainError ? reply(codec.encodeDomainError(err)) : fail(err, ctx.requestId)
      }
    }
  }
}

/** ServerOptions configure one Thrift listener. */
export interface ServerOptions extends Wire {
  /** log reports a reply that could not be written (an endpoint returned what its struct cannot hold). */
  readonly log: Logger
  /** maxMessageBytes bounds one message (a frame, or an unframed call); a bigger one closes the connection (default 1 MiB). */
  readonly maxMessageBytes?: number
}

// What close() needs: the open connections and the calls each is running.
interface Conn {
  readonly socket: Socket
  inFlight: number
  closed: boolean
  ac?: AbortController
}
interface State {
  readonly conns: Set<Conn>
  draining: boolean
}
const states = new WeakMap<Server, State>()

/** server returns a node:net server (not yet listening) that serves each handler under its method name. */
export function server(handlers: Readonly<Record<string, Handler>>, opts: ServerOptions): Server {
  const byName = new Map(Object.entries(handlers))
  const state: State = { conns: new Set(), draining: false }
  const srv = createServer({ noDelay: true }, (socket) => serveConnection(socket, state, byName, opts))
  states.set(srv, state)
  return srv
}

/** serveConnection reads calls off one socket and answers each as it settles. */
function serveConnection(socket: Socket, state: State, byName: ReadonlyMap<string, Handler>, opts: ServerOptions): void {
  const conn: Conn = { socket, inFlight: 0, closed: false }
  state.conns.add(conn)
  const write = sender(opts, socket)
  const send = (head: TMessage, reply: Reply): void => {
    if (conn.closed || socket.writableEnded) return
    try {
      write(head.fname, reply.type, head.rseqid, reply.write)
    } catch (err) {
      opts.log.error('unwritable reply', { method: head.fname, transport: 'thrift', err: err instanceof Error ? err.stack : String(err) })
      send(head, exception(ExceptionType.INTERNAL_ERROR, faultMessage('INTERNAL', 500, 'internal error')))
    }
  }
  const signal = (): AbortSignal => {
    if (conn.ac === undefined) {
      conn.ac = new AbortController()
      setMaxListeners(0, conn.ac.signal)
      if (conn.closed) conn.ac.abort(new CancelledError())
    }
    return conn.ac.signal
  }
  const settled = (): void => {
    if (state.draining && conn.inFlight === 0) socket.end()
  }
  const run = (head: TMessage, call: (ctx: Context) => Promise<Reply>): void => {
    if (state.draining) {
      send(head, exception(ExceptionType.INTERNAL_ERROR, faultMessage('UNAVAILABLE', 503, 'server is shutting down')))
      return settled()
    }
    conn.inFlight++
    const ctx = new RequestContext({ requestId: validRequestIdOf(undefined), transport: 'thrift' }, signal)
    void call(ctx).then((reply) => {
      conn.inFlight--
      send(head, reply)
      settled()
    })
  }
  const onData = reader(opts, opts.maxMessageBytes ?? 1 << 20, (input) => {
    const head = input.readMessageBegin()
    let call: (ctx: Context) => Promise<Reply>
    try {
      call = dispatch(head, input, byName)
      input.readMessageEnd()
    } catch (err) {
      if (!isUnderrun(err)) send(head, exception(ExceptionType.PROTOCOL_ERROR, faultMessage('BAD_REQUEST', 400, `unreadable call: ${(err as Error).message}`)))
      throw err
    }
    run(head, call)
  })
  socket.on('data', (data: Buffer) => {
    if (conn.closed) return
    try {
      onData(data)
    } catch {
      // Bytes that are not Thrift, or a message over maxMessageBytes: answered if it could be, then hang up.
      conn.closed = true
      socket.end()
    }
  })
  socket.on('error', () => {}) // a reset by the peer; 'close' follows
  socket.on('close', () => {
    conn.closed = true
    conn.ac?.abort(new CancelledError())
    state.conns.delete(conn)
  })
}

/** dispatch reads the rest of one call and returns what answers it. */
function dispatch(head: TMessage, input: TProtocol, byName: ReadonlyMap<string, Handler>): (ctx: Context) => Promise<Reply> {
  const h = byName.get(head.fname)
  if (h !== undefined && head.mtype === Thrift.MessageType.CALL) return h(input)
  input.skip(Thrift.Type.STRUCT)
  const refusal =
    h === undefined
      ? exception(ExceptionType.UNKNOWN_METHOD, `Unknown function ${head.fname}`)
      : exception(ExceptionType.INVALID_MESSAGE_TYPE, `${head.fname} takes calls, not message type ${head.mtype}`)
  return async () => refusal
}

/** listen binds server on host:port (0 picks a free port) and resolves with the bound port. */
export async function listen(srv: Server, host: string, port: number): Promise<number> {
  srv.listen(port, host)
  await once(srv, 'listening')
  return (srv.address() as { port: number }).port
}

/**
 * close stops accepting connections and new calls (they get UNAVAILABLE),
 * lets the calls in flight answer, closes each connection once it is idle,
 * and after graceMs destroys whatever is still open.
 */
export function close(srv: Server, graceMs = 5_000): Promise<void> {
  const state = states.get(srv)
  return new Promise((resolve) => {
    const timer = setTimeout(() => state?.conns.forEach((c) => c.socket.destroy()), graceMs)
    srv.close(() => {
      clearTimeout(timer)
      resolve()
    })
    if (state === undefined) return
    state.draining = true
    for (const c of state.conns) if (c.inFlight === 0) c.socket.end()
  })
}
