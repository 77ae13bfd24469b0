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

/** UnauthenticatedReason is all a refused caller is told: never why a signature failed. */
export type UnauthenticatedReason = 'missing credentials' | 'invalid token' | 'token expired'

/**
 * UnauthenticatedError refuses a call whose credential is missing or does not
 * verify (HTTP 401, gRPC UNAUTHENTICATED). challenge is the WWW-Authenticate
 * value that tells an HTTP client how to authenticate.
 */
export class UnauthenticatedError extends KitError {
  /** challenge is the WWW-Authenticate header value, e.g. `Bearer realm="app", error="invalid_token"`. */
  readonly challenge: string
  constructor(reason: UnauthenticatedReason, challenge: string) {
    super('UNAUTHENTICATED', 401, reason)
    this.challenge = challenge
  }
}

/** fromAbort turns an aborted signal's reason into the kit error a caller should see. */
export function fromAbort(signal: { readonly reason?: unknown }): KitError {
  const reason: unknown = signal.reason
  if (reason instanceof KitError) return reason
  if (reason instanceof Error && reason.name === 'TimeoutError') return new DeadlineExceededError()
  return new CancelledError()
}

/** ErrorClasses maps each wire code of a service to the DomainError class it stands for. */
export type ErrorClasses<Code extends string> = { readonly [C in Code]: new () => DomainError }

/** ErrorTable rebuilds a service's domain errors from the wire, by code or by Go kit's bare message. */
export interface ErrorTable<Code extends string> {
  /** codes lists every code, so transports can check their status tables cover them. */
  readonly codes: readonly Code[]
  /** fromCode rebuilds the error a wire code names, or undefined for a code not of this service. */
  fromCode(code: string): DomainError | undefined
  /** fromMessage rebuilds the error from its message alone, for peers (Go kit's) that send no code. */
  fromMessage(message: string): DomainError | undefined
}

/**
 * errorTable is the one code ↔ class table of a service: written once in its
 * errors.ts as `errorTable({ CODE: Class, … } satisfies ErrorClasses<ErrorCode>)`,
 * it gives every transport and client the same fromCode and fromMessage.
 */
export function errorTable<Code extends string>(classes: ErrorClasses<Code>): ErrorTable<Code> {
  const codes = Object.keys(classes) as Code[]
  const byMessage = new Map(codes.map((c) => [new classes[c]().message, c]))
  const fromCode = (code: string): DomainError | undefined => (Object.hasOwn(classes, code) ? new classes[code as Code]() : undefined)
  return {
    codes,
    fromCode,
    fromMessage: (message) => {
      const code = byMessage.get(message)
      return code === undefined ? undefined : fromCode(code)
    },
  }
}
