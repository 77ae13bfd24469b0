/**
 * retry wraps a Balancer into one Endpoint that tries again on faults (Go
 * kit's lb.Retry): up to maxAttempts calls, all within timeoutMs (or the
 * caller's deadline, if sooner), each to an instance not tried yet when one is
 * left. Only faults are retried: an unreachable instance, a 5xx, a timeout, an
 * open circuit, a rate-limited instance. A DomainError is the answer, never a
 * reason to ask again, and reaches the caller unchanged, as does a
 * cancellation. When every attempt failed, RetryError says how many and why,
 * and carries the last fault's code and status, so the edge answers 503 or
 * 504, not 500.
 */
import { cancellationOf } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { CancelledError, CircuitOpenError, isDomainError, KitError, UnavailableError } from '../errors.js'
import { type Balancer, NoEndpointsError } from './balancer.js'

/** RetryOptions is the retry policy; the consumer chooses it in main. */
export interface RetryOptions {
  /** maxAttempts is the most calls made for one request (default 3). */
  readonly maxAttempts?: number
  /** timeoutMs is the wall-clock budget for all attempts together (default 500). */
  readonly timeoutMs?: number
  /** shouldRetry decides whether a failure is worth another attempt (default: isFault). */
  readonly shouldRetry?: (err: unknown) => boolean
  /** name labels the errors (e.g. the remote service's name). */
  readonly name?: string
}

/** isFault reports failures that another attempt might fix: kit errors of status 5xx or 429, never domain errors. */
export function isFault(err: unknown): boolean {
  if (isDomainError(err) || err instanceof CancelledError || err instanceof NoEndpointsError) return false
  return err instanceof KitError && (err.status >= 500 || err.status === 429)
}

/**
 * isUnsent reports faults that prove the call never reached an instance: an
 * open circuit, or a connection that was refused. Retrying those is safe even
 * for writes that are not idempotent, where retrying a timeout is not (the
 * first attempt may have landed).
 */
export function isUnsent(err: unknown): boolean {
  if (err instanceof CircuitOpenError) return true
  const cause = err instanceof UnavailableError ? (err.cause as { code?: unknown } | undefined) : undefined
  return cause?.code === 'ECONNREFUSED'
}

/** RetryError reports that every attempt failed: 504 or 429 (and its code) when the last fault was, else 503. */
export class RetryError extends KitError {
  /** attempts is how many calls were made. */
  readonly attempts: number
  /** errors are the failures, in order; the last is the final reason. */
  readonly errors: readonly unknown[]
  constructor(name: string, errors: readonly unknown[]) {
    const last = errors.at(-1)
    // Keep the last fault's code when it is already a gateway answer; anything else is 503.
    const kit = last instanceof KitError && [429, 503, 504].includes(last.status) ? last : undefined
    const reason = last instanceof Error ? last.message : String(last)
    const n = errors.length
    super(kit?.code ?? 'UNAVAILABLE', kit?.status ?? 503, `${name}: ${n} attempt${n === 1 ? '' : 's'} failed; last: ${reason}`, { cause: last })
    this.attempts = n
    this.errors = errors
  }
}

/** retry returns an Endpoint that calls balancer's picks until one succeeds or the policy gives up. */
export function retry<Req, Res>(balancer: Balancer<Endpoint<Req, Res>>, opts: RetryOptions = {}): Endpoint<Req, Res> {
  const max = Math.max(1, opts.maxAttempts ?? 3)
  const budget = opts.timeoutMs ?? 500
  const shouldRetry = opts.shouldRetry ?? isFault
  const name = opts.name ?? 'remote service'
  return async function retried(ctx, req) {
    const failures: unknown[] = []
    try {
      return await withDeadline(ctx, Date.now() + budget, async (c) => {
        const tried = new Set<Endpoint<Req, Res>>()
        for (;;) {
          const e = balancer.next(tried)
          tried.add(e)
          try {
            return await e(c, req)
          } catch (err) {
            if (cancellationOf(c).aborted) throw err
            failures.push(err)
            if (!shouldRetry(err)) throw err
            if (failures.length >= max) throw new RetryError(name, failures)
          }
        }
      })
    } catch (err) {
      // The budget or the caller's deadline ended the call: count the attempt it cut short.
      if (err instanceof KitError && err.code === 'DEADLINE_EXCEEDED' && !(err instanceof RetryError)) {
        throw new RetryError(name, [...failures, err])
      }
      throw err
    }
  }
}
