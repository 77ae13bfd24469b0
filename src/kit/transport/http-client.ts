/**
 * The HTTP client side of the kit: `client` turns a method, a URL and codecs
 * into an Endpoint that calls a remote instance. It carries the request id,
 * the W3C traceparent, the credential (ctx.credential, as Authorization) and
 * the caller's remaining deadline, and rebuilds a
 * failure from its wire code with wire.ts's rebuildError, as every kit
 * client does: a service's domain errors through that service's fromCode,
 * the kit's own as their classes. With a tracer it opens the client span of
 * each call, so every service's remote calls are traced. It holds no policy:
 * balancing, retries and breakers are the consumer's choice (see kit/lb).
 * Connections are pooled and kept alive by undici.
 */
import type { Dispatcher } from 'undici'
import { cancellationOf, type Context, remaining } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { fromAbort, KitError, UnavailableError } from '../errors.js'
import { nop, type Tracer } from '../tracing.js'
import { authorizationHeader, type DecodeError, rebuildError, requestIdHeader, timeoutHeader, traceparentHeader } from './wire.js'
import { undici } from './undici.js'

/** CommonOptions are the collaborators every method of one remote instance shares. */
export interface CommonOptions {
  /** dispatcher is the undici pool or agent to use (default: undici's global keep-alive agent). */
  readonly dispatcher?: Dispatcher
  /** tracer opens a client span per call (default: none). */
  readonly tracer?: Tracer
}

/** ClientOptions describe one remote method: where it is and how to encode and decode it. */
export interface ClientOptions<Req, Res> extends CommonOptions {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** url is the full URL, or a function of the request for paths with parameters. */
  readonly url: URL | ((req: Req) => URL)
  /** decodeError rebuilds a service's domain error from its wire code. */
  readonly decodeError: DecodeError
  /** encode returns the JSON body for req, or undefined for none (default: req as JSON). */
  readonly encode?: (req: Req) => unknown
  /** decode maps a 200 body to the response, and may throw a domain error carried in it. */
  readonly decode?: (body: unknown) => Res
  /** route names the client span, e.g. "GET /profiles/{id}" (default: method and the URL's path). */
  readonly route?: string
}

/** client returns an Endpoint that performs one HTTP call per request. */
export function client<Req, Res>(opts: ClientOptions<Req, Res>): Endpoint<Req, Res> {
  const encode = opts.encode ?? ((req: Req) => req)
  const decode = opts.decode ?? ((body: unknown) => body as Res)
  // Calls go to the dispatcher itself with origin and path as strings: undici's
  // request(url) reads a URL's getters on every call, a tenth of an edge's time.
  const targetOf = (url: URL): { readonly origin: string; readonly path: string } => ({ origin: url.origin, path: `${url.pathname}${url.search}` })
  const url = opts.url
  const fixed = typeof url === 'function' ? undefined : targetOf(url)
  const target = (req: Req): ReturnType<typeof targetOf> => fixed ?? targetOf((url as (req: Req) => URL)(req))
  const dispatcher = opts.dispatcher
  const tracer = opts.tracer ?? nop()
  const route = opts.route ?? `${opts.method} ${typeof opts.url === 'function' ? '' : opts.url.pathname}`
  const call = async (ctx: Context, req: Req): Promise<Res> => {
    // The kit's Cancel, not ctx.signal: undici takes it as its signal, and no AbortSignal is built.
    const cancel = cancellationOf(ctx)
    if (cancel.aborted) throw fromAbort(cancel)
    const payload = encode(req)
    const headers: Record<string, string> = { [requestIdHeader]: ctx.requestId }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (ctx.trace !== undefined) headers[traceparentHeader] = ctx.trace
    if (ctx.credential !== undefined) headers[authorizationHeader] = ctx.credential
    const left = remaining(ctx)
    if (left !== undefined) headers[timeoutHeader] = String(left)
    const { origin, path } = target(req)
    let res: Dispatcher.ResponseData
    try {
      res = await (dispatcher ?? (await undici()).getGlobalDispatcher()).request({
        origin,
        path,
        method: opts.method,
        headers,
        signal: cancel,
        body: payload === undefined ? null : JSON.stringify(payload),
      })
    } catch (err) {
      if (cancel.aborted) throw fromAbort(cancel)
      // The message reaches public callers through the edge: name the failure, not the address.
      const code = (err as { code?: unknown }).code
      throw new UnavailableError(`upstream unreachable${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err })
    }
    const text = await res.body.text()
    if (res.statusCode === 200) return decode(parse(text))
    throw errorFrom(res.statusCode, parse(text), opts.decodeError)
  }
  return function remoteCall(ctx, req) {
    return tracer.enabled ? tracer.run(ctx, route, 'client', (c) => call(c, req)) : call(ctx, req)
  }
}

/** parse reads a JSON body, treating an unreadable one as empty. */
function parse(text: string): unknown {
  if (text === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    return { error: text.slice(0, 200) }
  }
}

/** errorFrom rebuilds the error a failed call stands for. */
function errorFrom(status: number, body: unknown, decodeError: DecodeError): Error {
  const { error, code } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; code?: unknown }
  const message = typeof error === 'string' ? error : `status ${status}`
  if (typeof code === 'string') return rebuildError(code, status, message, decodeError)
  if (status >= 500) return new KitError('UPSTREAM_ERROR', 502, `upstream answered ${status}: ${message}`)
  return new KitError('BAD_REQUEST', status, message)
}
