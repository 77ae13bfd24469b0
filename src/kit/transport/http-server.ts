/**
 * The HTTP server side of the kit: one generic `handler` turns an Endpoint
 * and a decoder into a fastify route handler, and one `errorEncoder` turns
 * every failure into Go kit's `{"error": message}` plus our stable `code`.
 * The Context of each request carries its id (x-request-id), its W3C
 * traceparent, an incoming deadline (x-request-timeout-ms, the caller's
 * remaining budget), the Authorization header as its credential (verified
 * later, by the authenticate middleware of the methods that need it) and the
 * client's address as its peer, and its signal aborts when the client goes
 * away. A refused credential is a 401 with WWW-Authenticate.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify'
import { Cancel, type Context, type Fields, RequestContext } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, isDomainError, KitError, RateLimitedError, UnauthenticatedError } from '../errors.js'
import type { Logger } from '../log.js'
import { authorizationHeader, requestIdHeader, timeoutHeader, traceparentHeader, validTraceparent } from './wire.js'


/**
 * serverTrace names the request decoration that hands contextFrom the
 * traceparent of the request's server span, opened by httpApp's tracing
 * hook. A decoration is a field of fastify's request shape from its
 * construction on; a WeakMap keyed by request cost about 10 % of a small
 * route's throughput (its entries are ephemerons the garbage collector
 * walks on every scavenge).
 */
export const serverTrace = Symbol('tskit.serverTrace')

/** Traced is a request carrying the serverTrace decoration (null until the tracing hook sets it). */
export type Traced = FastifyRequest & { [serverTrace]?: string | null }

/** contextFrom builds the Context of one HTTP request; its cancellation is made only if someone watches it. */
export function contextFrom(request: FastifyRequest, reply: FastifyReply): Context {
  const trace = (request as Traced)[serverTrace] ?? validTraceparent(request.headers[traceparentHeader])
  const credential = request.headers[authorizationHeader]
  const fields: { -readonly [K in keyof Fields]: Fields[K] } = { requestId: request.id, transport: 'http', peer: request.ip }
  if (trace !== undefined) fields.trace = trace
  if (credential !== undefined) fields.credential = credential
  return new RequestContext(fields, () => closeCancel(reply))
}

/** closeCancel cancels with CancelledError when the connection closes before the response is sent. */
function closeCancel(reply: FastifyReply): Cancel {
  const cancel = new Cancel()
  const res = reply.raw
  if (res.destroyed && !res.writableFinished) cancel.abort(new CancelledError())
  else res.once('close', () => res.writableFinished || cancel.abort(new CancelledError()))
  return cancel
}

/** Decoder maps a validated fastify request (typed by its route's schema) to an endpoint request. */
export type Decoder<Req, Q extends FastifyRequest = FastifyRequest> = (request: Q) => Req

/**
 * handler returns a fastify handler that decodes the request, calls endpoint
 * (within the caller's deadline, if one was sent) and returns the response for
 * fastify to serialize with the route's response schema.
 */
export function handler<Req, Res, Q extends FastifyRequest>(endpoint: Endpoint<Req, Res>, decode: Decoder<Req, Q>) {
  return function serve(request: Q, reply: FastifyReply): Promise<Res> {
    void reply.header(requestIdHeader, request.id)
    const ctx = contextFrom(request, reply)
    const req = decode(request)
    const budget = request.headers[timeoutHeader]
    if (budget === undefined) return endpoint(ctx, req)
    const ms = typeof budget === 'string' && /^\d{1,10}$/.test(budget) ? Number(budget) : Number.NaN
    if (!Number.isFinite(ms)) return Promise.reject(new BadHeaderError(timeoutHeader))
    return withDeadline(ctx, Date.now() + ms, (c) => endpoint(c, req))
  }
}

/** BadHeaderError rejects a request whose control header cannot be read. */
class BadHeaderError extends KitError {
  constructor(name: string) {
    super('BAD_REQUEST', 400, `header ${name} must be a non-negative number of milliseconds`)
  }
}

/** StatusTable maps each domain error code of a service to an HTTP status. */
export type StatusTable = Readonly<Record<string, number>>

/** ErrorBody is the JSON body of every failed call: Go kit's shape plus a stable code. */
export interface ErrorBody {
  readonly error: string
  readonly code: string
}

/** fastifyCodes gives fastify's own request errors the stable codes our clients see. */
const codeByStatus: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
}

/** describe turns any failure into its status and wire body; unknown errors become an opaque 500. */
export function describe(err: unknown, statusByCode: StatusTable): { status: number; body: ErrorBody } {
  if (isDomainError(err)) return { status: statusByCode[err.code] ?? 500, body: { error: err.message, code: err.code } }
  if (err instanceof KitError) return { status: err.status, body: { error: err.message, code: err.code } }
  const fe = err as Partial<FastifyError>
  if (fe.validation && fe.validation.length > 0) return { status: 400, body: { error: validationMessage(fe as FastifyError), code: 'BAD_REQUEST' } }
  const status = fe.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: fe.message ?? 'bad request', code: codeByStatus[status] ?? 'BAD_REQUEST' } }
  }
  return { status: 500, body: { error: 'internal error', code: 'INTERNAL' } }
}

/** validationMessage names the offending field, including the one that additionalProperties rejected. */
function validationMessage(err: FastifyError): string {
  const v = err.validation?.[0]
  if (!v) return err.message
  const where = `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`
  const extra = (v.params as { additionalProperty?: unknown }).additionalProperty
  if (typeof extra === 'string') return `${where} must not have property '${extra}'`
  return `${where} ${v.message ?? 'is invalid'}`
}

/**
 * errorEncoder returns a fastify error handler for one service. Domain errors
 * get the status from statusByCode (a table that `satisfies Record<ErrorCode,
 * number>`, so a new code without a status fails the build); kit and fastify
 * errors carry their own; anything else is logged once with its stack and
 * answered with an opaque 500.
 */
export function errorEncoder(statusByCode: StatusTable, log: Logger) {
  return function encodeError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { status, body } = describe(err, statusByCode)
    void reply.header(requestIdHeader, request.id)
    if (status >= 500 && !(err instanceof KitError)) {
      log.error('unexpected error', { requestId: request.id, err: err instanceof Error ? err.stack : String(err) })
    }
    if (err instanceof RateLimitedError) reply.header('retry-after', Math.max(1, Math.ceil(err.retryAfterMs / 1000)))
    if (err instanceof UnauthenticatedError) reply.header('www-authenticate', err.challenge)
    void reply.code(status).type('application/json; charset=utf-8').send(body)
  }
}

/** Route binds one endpoint to an HTTP method and path, with the schema fastify validates, serializes and documents. */
export interface Route<Req> {
  readonly method: HTTPMethods | readonly HTTPMethods[]
  readonly url: string
  readonly schema: FastifySchema
  /** exposeHeadRoute adds HEAD for a GET route (default false: a HEAD would run the endpoint). */
  readonly exposeHeadRoute?: boolean
  /** bodyLimit caps this route's request body in bytes in place of the app's (BODY_LIMIT), e.g. lower for a route taking a few fields; larger is 413. */
  readonly bodyLimit?: number
  /** decode maps the validated request (typed by the route's schema where it is written) to the endpoint's request. */
  decode(request: FastifyRequest): Req
}

/**
 * Routes is the HTTP binding of a whole Endpoints record: one Route per
 * method. Written `{ … } satisfies Routes<Endpoints>`, a method left out (or
 * a route for a method that does not exist) fails typecheck.
 */
export type Routes<E> = { readonly [K in keyof E]: E[K] extends Endpoint<infer Req, unknown> ? Route<Req> : never }

/** PluginOptions are what a service's HTTP binding needs besides its routes and endpoints. */
export interface PluginOptions {
  /** statusByCode maps the service's domain error codes to statuses. */
  readonly statusByCode: StatusTable
  readonly log: Logger
  /** errorEncoder replaces the kit's errorEncoder(statusByCode, log), for a service with its own wire form of errors. */
  readonly errorEncoder?: (err: unknown, request: FastifyRequest, reply: FastifyReply) => void
  /**
   * security names, per endpoint, the OpenAPI security schemes (http-app's
   * securitySchemes: bearerAuth, basicAuth) its route requires, so /docs
   * offers "Authorize". main sets it beside the authenticate middleware;
   * it documents, the middleware enforces.
   */
  readonly security?: Security
}

/** Security maps endpoint names to the OpenAPI security schemes their routes require. */
export type Security = Readonly<Record<string, readonly string[]>>

/** plugin returns the fastify plugin serving every endpoint at its route, with the service's error encoder. */
export function plugin<E>(name: string, routes: Routes<E>, endpoints: E, opts: PluginOptions): FastifyPluginAsync {
  const serve = async (app: Parameters<FastifyPluginAsync>[0]): Promise<void> => {
    app.setErrorHandler(opts.errorEncoder ?? errorEncoder(opts.statusByCode, opts.log))
    for (const key of Object.keys(routes) as (keyof E)[]) {
      const r = routes[key] as Route<unknown>
      const endpoint = endpoints[key] as Endpoint<unknown, unknown>
      const security = opts.security?.[key as string]
      app.route({
        method: r.method as HTTPMethods | HTTPMethods[],
        url: r.url,
        schema: security === undefined ? r.schema : { ...r.schema, security: security.map((name) => ({ [name]: [] })) },
        exposeHeadRoute: r.exposeHeadRoute ?? false,
        ...(r.bodyLimit === undefined ? {} : { bodyLimit: r.bodyLimit }),
        handler: handler(endpoint, (request: FastifyRequest) => r.decode(request)),
      })
    }
  }
  Object.defineProperty(serve, 'name', { value: `${name}Http` })
  return serve
}
