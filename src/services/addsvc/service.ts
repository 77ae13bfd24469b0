/**
 * addsvc adds things together: Go kit's canonical example service. Business
 * logic only; it knows nothing of HTTP, endpoints or middlewares.
 */
import type { Context } from '../../kit/context.js'
import type { Counter } from '../../kit/metrics.js'
import { IntOverflowError, MaxSizeExceededError, TwoZeroesError } from './errors.js'
import { instrumentingMiddleware } from './middleware.js'

/** Service describes a service that adds things together. */
export interface Service {
  /** sum returns a + b. Fails with TwoZeroesError or IntOverflowError (result outside int32). */
  sum(ctx: Context, a: number, b: number): Promise<number>
  /** concat returns a + b. Fails with MaxSizeExceededError (more than 10 bytes of UTF-8). */
  concat(ctx: Context, a: string, b: string): Promise<string>
}

// Go kit's limits: 32-bit signed sums, and at most 10 bytes of UTF-8 in a concatenation.
const intMax = 2 ** 31 - 1
const intMin = -(2 ** 31)
const maxLen = 10

/** makeBasic returns a naïve, stateless implementation of Service. */
export function makeBasic(): Service {
  return {
    async sum(_ctx, a, b) {
      if (a === 0 && b === 0) throw new TwoZeroesError()
      const v = a + b
      if (v > intMax || v < intMin) throw new IntOverflowError()
      return v
    },
    async concat(_ctx, a, b) {
      if (Buffer.byteLength(a) + Buffer.byteLength(b) > maxLen) throw new MaxSizeExceededError()
      return a + b
    },
  }
}

/** Deps are the business metrics the service reports (Go kit's ints and chars counters). */
export interface Deps {
  readonly ints: Counter
  readonly chars: Counter
}

/** make returns the Service with its business-aware middlewares, as main wires it. */
export function make(deps: Deps): Service {
  return instrumentingMiddleware(deps.ints, deps.chars)(makeBasic())
}
