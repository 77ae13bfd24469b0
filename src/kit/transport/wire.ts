/**
 * What crosses every transport besides the payload: the request id, the W3C
 * traceparent, the caller's credential (Authorization), and failures. A failure travels as a stable code plus a
 * message (and, for the kit's own failures, an HTTP-like status), whatever
 * the transport's own error channel is: an HTTP body, a gRPC status with
 * metadata, a JSON-RPC error object, a NATS reply with headers. Servers describe failures with
 * http-server's `describe`; clients rebuild them here, so a caller sees the
 * same class whichever transport carried the call: a service's domain errors
 * through its fromCode, the kit's own through the classes in kit/errors.
 */
import { randomBytes } from 'node:crypto'
import {
  CancelledError,
  DeadlineExceededError,
  type DomainError,
  KitError,
  RateLimitedError,
  UnauthenticatedError,
  type UnauthenticatedReason,
  UnavailableError,
} from '../errors.js'

/** BadRequestError rejects a request that a transport cannot decode; its message names what was wrong. */
export class BadRequestError extends KitError {
  constructor(message: string) {
    super('BAD_REQUEST', 400, message)
  }
}

/** DecodeError rebuilds a service's domain error from its wire code (a service's fromCode). */
export type DecodeError = (code: string) => DomainError | undefined

/**
 * rebuildError turns a wire failure back into an error: the domain error the
 * code names, else the kit error class for the code, else a KitError that
 * keeps the code, status and message.
 */
export function rebuildError(code: string, status: number, message: string, decodeError: DecodeError): Error {
  const domain = decodeError(code)
  if (domain) return domain
  switch (code) {
    case 'DEADLINE_EXCEEDED':
      return new DeadlineExceededError(message)
    case 'CANCELLED':
      return new CancelledError()
    case 'UNAVAILABLE':
      return new UnavailableError(message)
    case 'RATE_LIMITED':
      return new RateLimitedError()
    case 'UNAUTHENTICATED':
      // The remote's own challenge is not carried; the bare scheme still tells a client to authenticate.
      return new UnauthenticatedError(reasons.has(message) ? (message as UnauthenticatedReason) : 'invalid token', 'Bearer')
    default:
      return new KitError(code, status, message)
  }
}

const reasons = new Set<string>(['missing credentials', 'invalid token', 'token expired'] satisfies UnauthenticatedReason[])

/** authorizationHeader carries the caller's credential: the HTTP header, the gRPC metadata key (lower case, as HTTP/2 requires). */
export const authorizationHeader = 'authorization'
/** natsAuthorizationHeader is the same credential in a NATS message's headers (read case-insensitively). */
export const natsAuthorizationHeader = 'Authorization'

/** timeoutHeader carries the caller's remaining budget in milliseconds, relative so clocks need not agree. */
export const timeoutHeader = 'x-request-timeout-ms'

/** requestIdHeader and traceparentHeader carry the request id and W3C trace context on every transport. */
export const requestIdHeader = 'x-request-id'
/** traceparentHeader is W3C Trace Context's header name, the same in HTTP headers, gRPC metadata and NATS headers. */
export const traceparentHeader = 'traceparent'

const validRequestId = /^[\w.:@/+=-]{1,128}$/

// A minted id is this process's random prefix and a counter: unique across
// processes (48 random bits each) and restarts, and far cheaper than a UUID
// per request, whose crypto call and 36 characters of header validation cost
// a small route about 3 % of its throughput. Request ids correlate; they grant nothing.
const idPrefix = randomBytes(6).toString('hex')
let idCount = 0

/** newRequestId mints a request id for a request that came without a sane one. */
function newRequestId(): string {
  return `${idPrefix}-${(idCount++).toString(36)}`
}

/** isValidRequestId reports whether an incoming request id is sane enough to keep and echo. */
function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && validRequestId.test(value)
}

/** validRequestIdOf keeps a sane incoming request id and mints one otherwise. */
export function validRequestIdOf(value: unknown): string {
  return isValidRequestId(value) ? value : newRequestId()
}

/** validTraceparent keeps a well-formed W3C traceparent from a header and drops anything else. */
export function validTraceparent(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(value) ? value : undefined
}
