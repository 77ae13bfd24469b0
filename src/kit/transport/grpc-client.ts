/**
 * The gRPC client side of the kit, the same shape as http-client: `unary`
 * turns a channel, a method definition and codecs into an Endpoint. It sends
 * the request id, traceparent and credential (ctx.credential, as
 * `authorization`) as metadata and the caller's deadline as the
 * gRPC deadline, cancels the call when the caller's signal aborts, and
 * rebuilds failures: a domain error carried in the reply (Go kit's `err`
 * field) or in a status, through the service's fromCode and the stable code
 * in `x-error-code`; the kit's own failures by code, or by gRPC status when a
 * server (or the channel itself) sent no code. No policy lives here.
 */
import { type Client, Metadata, type MethodDefinition, type ServiceError, status, type StatusObject } from '@grpc/grpc-js'
import type { Context } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { fromAbort } from '../errors.js'
import { nop, type Tracer } from '../tracing.js'
import { errorCodeKey, grpcCodeByStatus } from './grpc-wire.js'
import { authorizationHeader, type DecodeError, rebuildError, requestIdHeader, traceparentHeader } from './wire.js'

/** ClientOptions describe one remote unary method and its codecs. */
export interface ClientOptions<Req, Res, PbReq, PbRes> {
  /** channel is the grpc-js client connected to the instance; its owner closes it. */
  readonly channel: Client
  readonly method: MethodDefinition<PbReq, PbRes>
  readonly encode: (req: Req) => PbReq
  readonly decode: (reply: PbRes) => Res
  /** replyError returns the business error message a reply carries (Go kit's err field), if any. */
  readonly replyError?: (reply: PbRes) => string | undefined
  /** codeOfMessage names the domain code of a message, for servers that send no x-error-code (Go kit). */
  readonly codeOfMessage?: (message: string) => string | undefined
  readonly decodeError: DecodeError
  /** tracer opens the client span (default: none). */
  readonly tracer?: Tracer
}

// The reverse of grpcCodeByStatus, for statuses that came without our code.
const byGrpc: Readonly<Partial<Record<status, readonly [string, number]>>> = {
  [status.INVALID_ARGUMENT]: ['BAD_REQUEST', 400],
  [status.UNAUTHENTICATED]: ['UNAUTHENTICATED', 401],
  [status.PERMISSION_DENIED]: ['PERMISSION_DENIED', 403],
  [status.NOT_FOUND]: ['NOT_FOUND', 404],
  [status.ALREADY_EXISTS]: ['ALREADY_EXISTS', 409],
  [status.RESOURCE_EXHAUSTED]: ['RATE_LIMITED', 429],
  [status.CANCELLED]: ['CANCELLED', 499],
  [status.UNAVAILABLE]: ['UNAVAILABLE', 503],
  [status.DEADLINE_EXCEEDED]: ['DEADLINE_EXCEEDED', 504],
  [status.UNIMPLEMENTED]: ['UNIMPLEMENTED', 501],
}

/** httpStatusOf gives a gRPC status code the HTTP-like status our KitErrors carry. */
function httpStatusOf(code: status): number {
  for (const [http, grpc] of Object.entries(grpcCodeByStatus)) if (grpc === code) return Number(http)
  return 502
}

/** unary returns an Endpoint that performs one unary call per request. */
export function unary<Req, Res, PbReq, PbRes>(opts: ClientOptions<Req, Res, PbReq, PbRes>): Endpoint<Req, Res> {
  const tracer = opts.tracer ?? nop()
  const { path, requestSerialize, responseDeserialize } = opts.method
  const call = (ctx: Context, req: Req): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(fromAbort(ctx.signal))
      const md = new Metadata()
      md.set(requestIdHeader, ctx.requestId)
      if (ctx.trace !== undefined) md.set(traceparentHeader, ctx.trace)
      if (ctx.credential !== undefined) md.set(authorizationHeader, ctx.credential)
      let reply: PbRes | undefined
      let failure: ServiceError | undefined
      const onAbort = (): void => pending.cancel()
      const pending = opts.channel.makeUnaryRequest(
        path,
        requestSerialize,
        responseDeserialize,
        opts.encode(req),
        md,
        ctx.deadline === undefined ? {} : { deadline: ctx.deadline },
        (err, value) => {
          failure = err ?? undefined
          reply = value
        },
      )
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      // The callback runs just before 'status', which brings the trailers.
      pending.on('status', (st: StatusObject) => {
        ctx.signal.removeEventListener('abort', onAbort)
        if (failure !== undefined) return reject(ctx.signal.aborted ? fromAbort(ctx.signal) : errorFrom(failure, opts.decodeError))
        const message = reply === undefined ? undefined : opts.replyError?.(reply)
        if (message === undefined || message === '') return resolve(opts.decode(reply as PbRes))
        const code = String(st.metadata.get(errorCodeKey)[0] ?? opts.codeOfMessage?.(message) ?? 'REMOTE_ERROR')
        reject(rebuildError(code, 500, message, opts.decodeError))
      })
    })
  return function grpcCall(ctx, req) {
    return tracer.enabled ? tracer.run(ctx, path, 'client', (c) => call(c, req)) : call(ctx, req)
  }
}

/** errorFrom rebuilds the error a failed call stands for. */
function errorFrom(err: ServiceError, decodeError: DecodeError): Error {
  const sent = err.metadata?.get(errorCodeKey)[0]
  if (sent !== undefined) return rebuildError(String(sent), httpStatusOf(err.code), err.details, decodeError)
  const [code, http] = byGrpc[err.code] ?? ['UPSTREAM_ERROR', 502]
  return rebuildError(code, http, err.details || err.message, decodeError)
}
