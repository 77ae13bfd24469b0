/**
 * The JSON-RPC 2.0 server side of the kit (Go kit's transport/http/jsonrpc),
 * on a plain node:http listener: one POST body is a request, a notification
 * (no id: run, never answered) or a batch (an array, run concurrently,
 * answered in one array; nothing at all, HTTP 204, when all were
 * notifications). Each method is decode → endpoint → encode. Protocol errors
 * use the specification's codes (-32700 parse error, -32600 invalid request,
 * -32601 method not found, -32602 invalid params, -32603 internal error); a
 * business error is -32000 as in Go kit, a kit failure (rate limited,
 * deadline…) -32001, both with our stable code in `data`. Every answer is
 * HTTP 200 (Go kit's choice) except a body too large (413) or not POST (405).
 * Request id, traceparent, deadline and the credential (Authorization) come
 * from the same headers as HTTP's; a refused credential is a -32001 error
 * whose data carries code UNAUTHENTICATED and status 401. The version
 * member may be "2.0", "" (what Go kit's client sends) or absent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type Context, RequestContext } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, isDomainError, KitError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Tracer } from '../tracing.js'
import { ErrorCodes, type RpcError } from './jsonrpc-wire.js'
import { timeoutHeader } from './wire.js'
import { authorizationHeader, BadRequestError, requestIdHeader, traceparentHeader, validRequestIdOf, validTraceparent } from './wire.js'

export { ErrorCodes, type RpcError } from './jsonrpc-wire.js'

type Id = string | number | null
type Reply = { jsonrpc: '2.0'; result: unknown; id: Id } | { jsonrpc: '2.0'; error: RpcError; id: Id }

/** Method is one JSON-RPC method: params in, result out, after its codecs. */
export type Method = (ctx: Context, params: unknown) => Promise<unknown>

/** method binds an endpoint with its codecs; decode throws BadRequestError (→ -32602) for bad params. */
export function method<Req, Res>(endpoint: Endpoint<Req, Res>, decode: (params: unknown) => Req, encode: (res: Res) => unknown = (r) => r): Method {
  return async (ctx, params) => encode(await endpoint(ctx, decode(params)))
}

/** Methods is a JSON-RPC binding of a whole Endpoints record: one Method per endpoint, named as it, none missing. */
export type Methods<E> = { readonly [K in keyof E & string]: Method }

/** ServerOptions configure one JSON-RPC listener. */
export interface ServerOptions {
  readonly methods: Readonly<Record<string, Method>>
  readonly log: Logger
  readonly tracer: Tracer
  /** bodyLimit caps a request body in bytes (413 beyond it). */
  readonly bodyLimit: number
  /** maxBatch caps the calls in one batch (default 100). */
  readonly maxBatch?: number
}

/** errorOf turns a failure into its JSON-RPC error object; unknown errors are logged once and made opaque. */
function errorOf(err: unknown, log: Logger, requestId: string): RpcError {
  if (err instanceof BadRequestError) return { code: ErrorCodes.InvalidParams, message: err.message, data: { code: err.code } }
  if (isDomainError(err)) return { code: ErrorCodes.DomainError, message: err.message, data: { code: err.code } }
  if (err instanceof KitError) return { code: ErrorCodes.KitError, message: err.message, data: { code: err.code, status: err.status } }
  log.error('unexpected error', { requestId, transport: 'jsonrpc', err: err instanceof Error ? err.stack : String(err) })
  return { code: ErrorCodes.InternalError, message: 'internal error', data: { code: 'INTERNAL' } }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** call runs one request object; it resolves to undefined for a notification. */
async function call(ctx: Context, msg: unknown, opts: ServerOptions): Promise<Reply | undefined> {
  const fail = (id: Id, error: RpcError): Reply => ({ jsonrpc: '2.0', error, id })
  if (!isObject(msg)) return fail(null, { code: ErrorCodes.InvalidRequest, message: 'request must be an object' })
  const { id, method: name, params } = msg
  const validId = id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))
  if ('id' in msg && !validId) return fail(null, { code: ErrorCodes.InvalidRequest, message: 'id must be a string, a number or null' })
  const rid: Id = validId ? (id as Id) : null
  // Go kit's own client (transport/http/jsonrpc) sends "jsonrpc": "" and its server never looks:
  // "2.0", "" and no member at all are served; every answer says "2.0".
  if (msg.jsonrpc !== '2.0' && msg.jsonrpc !== '' && msg.jsonrpc !== undefined) {
    return fail(rid, { code: ErrorCodes.InvalidRequest, message: 'jsonrpc must be exactly "2.0" (or "" or absent, as Go kit\'s client sends)' })
  }
  if (typeof name !== 'string') return fail(rid, { code: ErrorCodes.InvalidRequest, message: 'method must be a string' })
  if (params !== undefined && typeof params !== 'object') {
    return fail(rid, { code: ErrorCodes.InvalidRequest, message: 'params must be an object or an array' })
  }
  const notification = !('id' in msg)
  const m = Object.hasOwn(opts.methods, name) ? opts.methods[name] : undefined
  if (m === undefined) return notification ? undefined : fail(rid, { code: ErrorCodes.MethodNotFound, message: `method ${name} not found` })
  try {
    const result = await opts.tracer.run(ctx, `jsonrpc ${name}`, 'server', (c) =>
      c.deadline === undefined ? m(c, params ?? {}) : withDeadline(c, c.deadline, (d) => m(d, params ?? {})),
    )
    return notification ? undefined : { jsonrpc: '2.0', result, id: rid }
  } catch (err) {
    return notification ? undefined : fail(rid, errorOf(err, opts.log, ctx.requestId))
  }
}

/** contextFrom builds the Context of one HTTP request; res closing early aborts its signal, created only if read. */
function contextFrom(req: IncomingMessage, res: ServerResponse, deadline: number | undefined): Context {
  const trace = validTraceparent(req.headers[traceparentHeader])
  const credential = req.headers[authorizationHeader]
  const fields = { requestId: validRequestIdOf(req.headers[requestIdHeader]), transport: 'jsonrpc', ...(req.socket.remoteAddress === undefined ? {} : { peer: req.socket.remoteAddress }) }
  return new RequestContext(
    {
      ...fields,
      ...(trace === undefined ? {} : { trace }),
      ...(deadline === undefined ? {} : { deadline }),
      ...(credential === undefined ? {} : { credential }),
    },
    () => {
      const ac = new AbortController()
      if (res.destroyed && !res.writableFinished) ac.abort(new CancelledError())
      else res.once('close', () => res.writableFinished || ac.abort(new CancelledError()))
      return ac.signal
    },
  )
}

/** send writes a JSON answer (or none, 204) with status. */
function send(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
  if (requestId !== undefined) res.setHeader(requestIdHeader, requestId)
  if (body === undefined) return void res.writeHead(204).end()
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
}

/** protocolError answers a whole HTTP request with one error and a null id. */
function protocolError(res: ServerResponse, status: number, code: number, message: string): void {
  send(res, status, { jsonrpc: '2.0', error: { code, message }, id: null })
}

/** jsonrpcHandler returns the node:http request listener serving opts.methods. */
export function jsonrpcHandler(opts: ServerOptions) {
  const maxBatch = opts.maxBatch ?? 100
  return function serveJsonrpc(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST')
      return protocolError(res, 405, ErrorCodes.InvalidRequest, `method ${req.method ?? ''} not allowed: JSON-RPC requests are POSTed`)
    }
    const budget = req.headers[timeoutHeader]
    const ms = budget === undefined ? undefined : Number(budget)
    if (ms !== undefined && (!Number.isFinite(ms) || ms < 0)) {
      return protocolError(res, 400, ErrorCodes.InvalidRequest, `header ${timeoutHeader} must be a non-negative number of milliseconds`)
    }
    const deadline = ms === undefined ? undefined : Date.now() + ms
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= opts.bodyLimit) return void chunks.push(chunk)
      if (res.headersSent) return
      // Answer at once; the rest of the body is read and dropped, then the connection closes.
      res.setHeader('connection', 'close')
      protocolError(res, 413, ErrorCodes.InvalidRequest, `request body exceeds ${opts.bodyLimit} bytes`)
    })
    req.on('error', () => res.destroy())
    req.on('end', () => {
      if (size > opts.bodyLimit) return
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch (err) {
        return protocolError(res, 200, ErrorCodes.ParseError, `parse error: ${(err as Error).message}`)
      }
      const ctx = contextFrom(req, res, deadline)
      if (!Array.isArray(body)) {
        call(ctx, body, opts).then((reply) => send(res, 200, reply, ctx.requestId), () => res.destroy())
        return
      }
      if (body.length === 0) return protocolError(res, 200, ErrorCodes.InvalidRequest, 'batch must not be empty')
      if (body.length > maxBatch) return protocolError(res, 200, ErrorCodes.InvalidRequest, `batch of ${body.length} exceeds ${maxBatch} calls`)
      Promise.all(body.map((m) => call(ctx, m, opts))).then((replies) => {
        const answered = replies.filter((r) => r !== undefined)
        send(res, 200, answered.length === 0 ? undefined : answered, ctx.requestId)
      }, () => res.destroy())
    })
  }
}

/** jsonrpcServer returns a node:http server (not yet listening) serving opts.methods at any path. */
export function jsonrpcServer(opts: ServerOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, jsonrpcHandler(opts))
  server.headersTimeout = 66_000
  return server
}

/** listen binds server on host:port (0 picks a free port) and resolves with the bound port. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as { port: number }).port)
    })
  })
}

/** close stops accepting, lets in-flight requests finish and closes idle keep-alive connections. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}
