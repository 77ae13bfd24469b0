/**
 * What crosses every transport besides the payload: the request id, the W3C
 * traceparent, and failures. A failure travels as a stable code plus a
 * message (and, for the kit's own failures, an HTTP-like status), whatever
 * the transport's own error channel is: an HTTP body, a gRPC status with
 * metadata, a JSON-RPC error object, a NATS reply with headers. Servers describe failures with
 * http-server's `describe`; clients rebuild them here, so a caller sees the
 * same class whichever transport carried the call: a service's domain errors
 * through its fromCode, the kit's own through the classes in kit/errors.
 */
import { randomUUID } from 'node:crypto'
import {
  CancelledError,
  DeadlineExceededError,
  type DomainError,
  KitError,
  RateLimitedError,
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
    default:
      return new KitError(code, status, message)
  }
}

/** requestIdHeader and traceparentHeader carry the request id and W3C trace context on every transport. */
export const requestIdHeader = 'x-request-id'
/** traceparentHeader is W3C Trace Context's header name, the same in HTTP headers, gRPC metadata and NATS headers. */
export const traceparentHeader = 'traceparent'

const validRequestId = /^[\w.:@/+=-]{1,128}$/

/** validRequestIdOf keeps a sane incoming request id and mints a UUID otherwise. */
export function validRequestIdOf(value: unknown): string {
  return typeof value === 'string' && validRequestId.test(value) ? value : randomUUID()
}

/** validTraceparent keeps a well-formed W3C traceparent from a header and drops anything else. */
export function validTraceparent(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(value) ? value : undefined
}
