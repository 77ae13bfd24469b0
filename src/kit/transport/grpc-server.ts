/**
 * The gRPC server side of the kit, the same shape as http-server: `unary`
 * turns an Endpoint and its codecs into a grpc-js handler (decode → endpoint
 * → encode, failures through one error encoder). The Context of each call
 * carries the request id, W3C traceparent and credential (`authorization`)
 * from metadata, the caller's gRPC deadline, its address as the peer, and a
 * signal that aborts when the caller cancels. A domain error
 * may travel in the reply (Go kit's `err` field, with status OK) when the
 * binding says how; every other failure is a gRPC status whose code follows
 * the failure's HTTP status (400 → INVALID_ARGUMENT, 401 → UNAUTHENTICATED,
 * 403 → PERMISSION_DENIED, 429 → RESOURCE_EXHAUSTED, 503 → UNAVAILABLE,
 * 504 → DEADLINE_EXCEEDED…) and whose `x-error-code`
 * metadata keeps our stable code, so clients rebuild the same error class.
 */
import { type ServiceDefinition, Metadata, Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js'
import { type Context, RequestContext } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, type DomainError, isDomainError, KitError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Tracer } from '../tracing.js'
import { errorCodeKey, grpcCodeByStatus } from './grpc-wire.js'
import { describe, type StatusTable } from './http-server.js'
import type { Decoded } from './protobuf.js'
import { authorizationHeader, requestIdHeader, traceparentHeader, validRequestIdOf, validTraceparent } from './wire.js'

/** contextFrom builds the Context of one call; its signal is created only if someone reads it. */
export function contextFrom(call: ServerUnaryCall<unknown, unknown>): Context {
  const first = (key: string): unknown => call.metadata.get(key)[0]
  const trace = validTraceparent(first(traceparentHeader))
  const deadline = Number(call.getDeadline())
  const credential = first(authorizationHeader)
  const fields = { requestId: validRequestIdOf(first(requestIdHeader)), transport: 'grpc', peer: hostOf(call.getPeer()) }
  return new RequestContext(
    {
      ...fields,
      ...(trace === undefined ? {} : { trace }),
      ...(Number.isFinite(deadline) ? { deadline } : {}),
      ...(typeof credential === 'string' ? { credential } : {}),
    },
    () => {
      const ac = new AbortController()
      if (call.cancelled) ac.abort(new CancelledError())
      else call.once('cancelled', () => ac.abort(new CancelledError()))
      return ac.signal
    },
  )
}

// Each connection's peer string is parsed once, not once per call; the cache
// is dropped whole when it fills, which bounds it without bookkeeping.
const hosts = new Map<string, string>()

/** hostOf drops the port from a gRPC peer ("127.0.0.1:5432", "[::1]:5432"), so one client is one peer. */
function hostOf(peer: string): string {
  let host = hosts.get(peer)
  if (host === undefined) {
    host = /^(?:ipv[46]:)?\[?([^\]]*?)\]?:\d+$/.exec(peer)?.[1] ?? peer
    if (hosts.size >= 4096) hosts.clear()
    hosts.set(peer, host)
  }
  return host
}

/** UnaryCodec maps protobuf messages (as proto-loader gives them) to and from endpoint types. */
export interface UnaryCodec<Req, Res, PbReq, PbRes> {
  /** decode maps a request message to the endpoint request; it throws BadRequestError for a bad value. */
  readonly decode: (msg: PbReq) => Req
  readonly encode: (res: Res) => PbRes
  /** encodeDomainError puts a business error in the reply (Go kit's err field); without it, it is a status. */
  readonly encodeDomainError?: (err: DomainError) => PbRes
}

/** ServerOptions are what every handler of one service shares. */
export interface ServerOptions {
  readonly log: Logger
  readonly tracer: Tracer
  /** statusByCode maps the service's domain codes to HTTP-like statuses, used when a domain error is a status. */
  readonly statusByCode: StatusTable
}

export { errorCodeKey, grpcCodeByStatus } from './grpc-wire.js'

/** Service is one gRPC service definition and its handlers, ready for grpc.Server#addService. */
export interface Service {
  readonly definition: ServiceDefinition
  readonly implementation: Readonly<Record<string, UnaryHandler>>
}

/** Implementation is a gRPC service's handler table over a whole Endpoints record: method sum is served as Sum, none missing. */
export type Implementation<E> = { readonly [K in keyof E & string as Capitalize<K>]: UnaryHandler }

/** UnaryHandler is a grpc-js unary handler whose request went through strictService's deserializer. */
export type UnaryHandler = (call: ServerUnaryCall<Decoded<unknown>, unknown>, callback: sendUnaryData<unknown>) => void

/**
 * unary returns the grpc-js handler for one method called name (the server
 * span's name): it decodes, calls endpoint within the caller's deadline,
 * and encodes the reply or the failure.
 */
export function unary<Req, Res, PbReq, PbRes>(
  name: string,
  endpoint: Endpoint<Req, Res>,
  codec: UnaryCodec<Req, Res, PbReq, PbRes>,
  opts: ServerOptions,
): UnaryHandler {
  const fail = (err: unknown, requestId: string, callback: sendUnaryData<unknown>): void => {
    const { status: httpStatus, body } = describe(err, opts.statusByCode)
    if (httpStatus >= 500 && !(err instanceof KitError)) {
      opts.log.error('unexpected error', { requestId, transport: 'grpc', err: err instanceof Error ? err.stack : String(err) })
    }
    const md = new Metadata()
    md.set(errorCodeKey, body.code)
    const code = grpcCodeByStatus[httpStatus] ?? (httpStatus < 500 ? status.FAILED_PRECONDITION : status.INTERNAL)
    callback({ code, details: body.error, metadata: md })
  }
  return function serveUnary(call, callback) {
    const ctx = contextFrom(call as ServerUnaryCall<unknown, unknown>)
    const decoded = call.request
    if (!decoded.ok) return fail(new KitError('BAD_REQUEST', 400, decoded.error), ctx.requestId, callback)
    let req: Req
    try {
      req = codec.decode(decoded.msg as PbReq)
    } catch (err) {
      return fail(err, ctx.requestId, callback)
    }
    const run = (c: Context): Promise<Res> =>
      c.deadline === undefined ? endpoint(c, req) : withDeadline(c, c.deadline, (d) => endpoint(d, req))
    opts.tracer.run(ctx, name, 'server', run).then(
      (res) => callback(null, codec.encode(res)),
      (err: unknown) => {
        if (isDomainError(err) && codec.encodeDomainError) {
          const md = new Metadata()
          md.set(errorCodeKey, err.code)
          return callback(null, codec.encodeDomainError(err), md)
        }
        fail(err, ctx.requestId, callback)
      },
    )
  }
}

/**
 * server returns the grpc-js Server every listener of ours uses: channelz
 * (grpc-js's introspection, on by default) off, since nothing here serves
 * its API and it tracks every call and session (about 3.5 % of a call's CPU).
 */
export function server(): Server {
  return new Server({ 'grpc.enable_channelz': 0 })
}

/** listen binds server on host:port (0 picks a free port) and resolves with the bound port. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)))
  })
}

/** shutdown stops accepting calls, lets in-flight ones finish for up to graceMs, then cancels the rest. */
export function shutdown(server: Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown()
      resolve()
    }, graceMs)
    server.tryShutdown(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
