/**
 * The JSON-RPC 2.0 client side of the kit (Go kit's jsonrpc.NewClient): one
 * POST per call with `{"jsonrpc": "2.0", method, params, id}`, the same
 * request-id, traceparent, Authorization and deadline headers as the HTTP client. An error
 * object is rebuilt from the stable code in its `data` (a domain error
 * through the service's fromCode, a kit failure by its class); the
 * specification's protocol codes become BAD_REQUEST or UPSTREAM_ERROR.
 * Codecs only: balancing, retries and breakers are the consumer's choice.
 */
import type { Dispatcher } from 'undici'
import { cancellationOf, type Context, remaining } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { fromAbort, KitError, UnavailableError } from '../errors.js'
import { nop, type Tracer } from '../tracing.js'
import { timeoutHeader } from './wire.js'
import { ErrorCodes, type RpcError } from './jsonrpc-wire.js'
import { undici } from './undici.js'
import { authorizationHeader, type DecodeError, rebuildError, requestIdHeader, traceparentHeader } from './wire.js'

/** ClientOptions describe one remote JSON-RPC method. */
export interface ClientOptions<Req, Res> {
  readonly url: URL
  readonly method: string
  readonly decodeError: DecodeError
  /** encode returns the params for req (default: req itself). */
  readonly encode?: (req: Req) => unknown
  /** decode maps a result to the response (default: the result itself). */
  readonly decode?: (result: unknown) => Res
  readonly dispatcher?: Dispatcher
  /** tracer opens the client span (default: none). */
  readonly tracer?: Tracer
}

/** client returns an Endpoint that performs one JSON-RPC call per request. */
export function client<Req, Res>(opts: ClientOptions<Req, Res>): Endpoint<Req, Res> {
  const encode = opts.encode ?? ((req: Req) => req)
  const decode = opts.decode ?? ((result: unknown) => result as Res)
  const tracer = opts.tracer ?? nop()
  let nextId = 1
  // To the dispatcher itself, with origin and path as strings: undici's request(url) reads the URL's getters per call.
  const origin = opts.url.origin
  const path = `${opts.url.pathname}${opts.url.search}`
  const call = async (ctx: Context, req: Req): Promise<Res> => {
    // The kit's Cancel, not ctx.signal: undici takes it as its signal, and no AbortSignal is built.
    const cancel = cancellationOf(ctx)
    if (cancel.aborted) throw fromAbort(cancel)
    const headers: Record<string, string> = { 'content-type': 'application/json', [requestIdHeader]: ctx.requestId }
    if (ctx.trace !== undefined) headers[traceparentHeader] = ctx.trace
    if (ctx.credential !== undefined) headers[authorizationHeader] = ctx.credential
    const left = remaining(ctx)
    if (left !== undefined) headers[timeoutHeader] = String(left)
    const id = nextId++
    const body = JSON.stringify({ jsonrpc: '2.0', method: opts.method, params: encode(req), id })
    let res: Dispatcher.ResponseData
    try {
      res = await (opts.dispatcher ?? (await undici()).getGlobalDispatcher()).request({ origin, path, method: 'POST', headers, body, signal: cancel })
    } catch (err) {
      if (cancel.aborted) throw fromAbort(cancel)
      throw new UnavailableError(`${opts.url.origin} unreachable: ${(err as Error).message}`, { cause: err })
    }
    const text = await res.body.text()
    let reply: { result?: unknown; error?: RpcError } | undefined
    try {
      reply = JSON.parse(text) as typeof reply
    } catch {
      reply = undefined
    }
    if (reply?.error !== undefined) throw errorFrom(reply.error, opts.decodeError)
    if (res.statusCode !== 200 || reply === undefined || !('result' in reply)) {
      throw new KitError('UPSTREAM_ERROR', 502, `${opts.url.origin} answered ${res.statusCode} without a JSON-RPC result`)
    }
    return decode(reply.result)
  }
  return function jsonrpcCall(ctx, req) {
    return tracer.enabled ? tracer.run(ctx, `jsonrpc ${opts.method}`, 'client', (c) => call(c, req)) : call(ctx, req)
  }
}

/** errorFrom rebuilds the error a JSON-RPC error object stands for. */
function errorFrom(e: RpcError, decodeError: DecodeError): Error {
  const message = typeof e.message === 'string' ? e.message : 'JSON-RPC error'
  if (typeof e.data?.code === 'string') return rebuildError(e.data.code, e.data.status ?? 400, message, decodeError)
  switch (e.code) {
    case ErrorCodes.ParseError:
    case ErrorCodes.InvalidRequest:
    case ErrorCodes.InvalidParams:
      return new KitError('BAD_REQUEST', 400, message)
    case ErrorCodes.MethodNotFound:
      return new KitError('METHOD_NOT_FOUND', 501, message)
    default:
      return new KitError('UPSTREAM_ERROR', 502, message)
  }
}
