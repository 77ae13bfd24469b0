/**
 * The HTTP server side of the kit: one generic `handler` turns an Endpoint
 * and a decoder into a fastify route handler, and one `errorEncoder` turns
 * every failure into Go kit's `{"error": message}` plus our stable `code`.
 * The Context of each request carries its id (x-request-id), its W3C
 * traceparent, and an incoming deadline (x-request-timeout-ms, the caller's
 * remaining budget), and its signal aborts when the client goes away.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { type Context, RequestContext } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, isDomainError, KitError, RateLimitedError } from '../errors.js'
import type { Logger } from '../log.js'

/** timeoutHeader carries the caller's remaining budget in milliseconds, relative so clocks need not agree. */
export const timeoutHeader = 'x-request-timeout-ms'

/** contextFrom builds the Context of one HTTP request; its signal is created only if someone reads it. */
export function contextFrom(request: FastifyRequest, reply: FastifyReply): Context {
  const trace = request.headers.traceparent
  const fields = typeof trace === 'string' ? { requestId: request.id, transport: 'http', trace } : { requestId: request.id, transport: 'http' }
  return new RequestContext(fields, () => closeSignal(reply))
}

/** closeSignal aborts with CancelledError when the connection closes before the response is sent. */
function closeSignal(reply: FastifyReply): AbortSignal {
  const ac = new AbortController()
  const res = reply.raw
  if (res.destroyed && !res.writableFinished) ac.abort(new CancelledError())
  else res.once('close', () => res.writableFinished || ac.abort(new CancelledError()))
  return ac.signal
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
    void reply.header('x-request-id', request.id)
    const ctx = contextFrom(request, reply)
    const req = decode(request)
    const budget = request.headers[timeoutHeader]
    if (budget === undefined) return endpoint(ctx, req)
    const ms = Number(budget)
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new BadHeaderError(timeoutHeader))
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
    void reply.header('x-request-id', request.id)
    if (status >= 500 && !(err instanceof KitError)) {
      log.error('unexpected error', { requestId: request.id, err: err instanceof Error ? err.stack : String(err) })
    }
    if (err instanceof RateLimitedError) reply.header('retry-after', Math.max(1, Math.ceil(err.retryAfterMs / 1000)))
    void reply.code(status).type('application/json; charset=utf-8').send(body)
  }
}
