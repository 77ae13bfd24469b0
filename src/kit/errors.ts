/**
 * Errors come in two kinds, as Go kit's FAQ says. A DomainError is an
 * expected business outcome (a rule said no): transports map its code to a
 * status, and resilience middlewares never count it as a fault. A KitError is
 * raised by the toolkit itself (rate limited, circuit open, deadline passed,
 * no instance): it is a fault from the business's point of view, but it has a
 * stable code and status so callers get a clear answer instead of a 500.
 */

/** DomainError is the base of expected, business-level failures, identified by a stable code. */
export abstract class DomainError extends Error {
  /** code is stable on the wire; the message is for people. */
  abstract readonly code: string
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** isDomainError reports whether err is an expected, business-level failure. */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError
}

/** KitError is a failure raised by the toolkit's own machinery, with the status every transport gives it. */
export class KitError extends Error {
  /** code is stable on the wire, like a DomainError's. */
  readonly code: string
  /** status is the HTTP status this failure maps to on every transport. */
  readonly status: number
  constructor(code: string, status: number, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
  }
}

/** RateLimitedError rejects a request over its endpoint's rate; callers may retry after retryAfterMs. */
export class RateLimitedError extends KitError {
  /** retryAfterMs is when the limiter will next have a token. */
  readonly retryAfterMs: number
  constructor(retryAfterMs = 1000) {
    super('RATE_LIMITED', 429, 'rate limit exceeded')
    this.retryAfterMs = retryAfterMs
  }
}

/** CircuitOpenError rejects a call without trying it, because recent calls to the same target failed. */
export class CircuitOpenError extends KitError {
  constructor(name: string) {
    super('CIRCUIT_OPEN', 503, `circuit breaker is open: ${name}`)
  }
}

/** DeadlineExceededError says the caller's deadline passed before an answer came. */
export class DeadlineExceededError extends KitError {
  constructor(message = 'deadline exceeded') {
    super('DEADLINE_EXCEEDED', 504, message)
  }
}

/** CancelledError says the caller went away, so the work was abandoned. */
export class CancelledError extends KitError {
  constructor() {
    super('CANCELLED', 499, 'request cancelled by the caller')
  }
}

/** UnavailableError says a dependency (a remote instance, a database) could not be reached. */
export class UnavailableError extends KitError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNAVAILABLE', 503, message, options)
  }
}

/** fromAbort turns an aborted signal's reason into the kit error a caller should see. */
export function fromAbort(signal: AbortSignal): KitError {
  const reason: unknown = signal.reason
  if (reason instanceof KitError) return reason
  if (reason instanceof Error && reason.name === 'TimeoutError') return new DeadlineExceededError()
  return new CancelledError()
}
