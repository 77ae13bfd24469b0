/**
 * The HTTP client side of the kit: `client` turns a method, a URL and codecs
 * into an Endpoint that calls a remote instance. It carries the request id,
 * the W3C traceparent and the caller's remaining deadline, and rebuilds a
 * failure from its wire code: a service's domain errors through that
 * service's fromCode, the kit's own by code and status. It holds no policy:
 * balancing, retries and breakers are the consumer's choice (see kit/lb).
 * Connections are pooled and kept alive by undici.
 */
import { type Dispatcher, request } from 'undici'
import { type Context, remaining } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { type DomainError, fromAbort, KitError, UnavailableError } from '../errors.js'
import { timeoutHeader } from './http-server.js'

/** ClientOptions describe one remote method: where it is and how to encode and decode it. */
export interface ClientOptions<Req, Res> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** url is the full URL, or a function of the request for paths with parameters. */
  readonly url: URL | ((req: Req) => URL)
  /** decodeError rebuilds a service's domain error from its wire code. */
  readonly decodeError: (code: string) => DomainError | undefined
  /** encode returns the JSON body for req, or undefined for none (default: req as JSON). */
  readonly encode?: (req: Req) => unknown
  /** decode maps a 200 body to the response, and may throw a domain error carried in it. */
  readonly decode?: (body: unknown) => Res
  /** dispatcher is the undici pool or agent to use (default: undici's global keep-alive agent). */
  readonly dispatcher?: Dispatcher
}

/** client returns an Endpoint that performs one HTTP call per request. */
export function client<Req, Res>(opts: ClientOptions<Req, Res>): Endpoint<Req, Res> {
  const encode = opts.encode ?? ((req: Req) => req)
  const decode = opts.decode ?? ((body: unknown) => body as Res)
  const urlOf = typeof opts.url === 'function' ? opts.url : () => opts.url as URL
  return async function remoteCall(ctx: Context, req: Req): Promise<Res> {
    if (ctx.signal.aborted) throw fromAbort(ctx.signal)
    const payload = encode(req)
    const headers: Record<string, string> = { 'x-request-id': ctx.requestId }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (ctx.trace !== undefined) headers.traceparent = ctx.trace
    const left = remaining(ctx)
    if (left !== undefined) headers[timeoutHeader] = String(left)
    const url = urlOf(req)
    let res: Dispatcher.ResponseData
    try {
      res = await request(url, {
        method: opts.method,
        headers,
        signal: ctx.signal,
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      })
    } catch (err) {
      if (ctx.signal.aborted) throw fromAbort(ctx.signal)
      // The message reaches public callers through the edge: name the failure, not the address.
      const code = (err as { code?: unknown }).code
      throw new UnavailableError(`upstream unreachable${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err })
    }
    const text = await res.body.text()
    if (res.statusCode === 200) return decode(parse(text))
    throw errorFrom(res.statusCode, parse(text), opts.decodeError)
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
function errorFrom(status: number, body: unknown, decodeError: (code: string) => DomainError | undefined): Error {
  const { error, code } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; code?: unknown }
  const message = typeof error === 'string' ? error : `status ${status}`
  if (typeof code === 'string') {
    const domain = decodeError(code)
    if (domain) return domain
    return new KitError(code, status, message)
  }
  if (status >= 500) return new KitError('UPSTREAM_ERROR', 502, `upstream answered ${status}: ${message}`)
  return new KitError('BAD_REQUEST', status, message)
}
