/**
 * instrumenting records each call's duration in a histogram labelled by
 * outcome (ok | domain_error | fault), Go kit's request_latency with a
 * three-way outcome instead of a boolean: business refusals are not errors
 * on a dashboard. Label children are bound once, not per request.
 */
import type { Middleware } from '../kit/endpoint.js'
import type { Histogram } from '../kit/metrics.js'
import { Outcome, outcomeOf } from './outcome.js'

/** instrumenting returns a middleware observing duration in seconds, by outcome. */
export function instrumenting(duration: Histogram): Middleware {
  const byOutcome = {
    [Outcome.Ok]: duration.with({ outcome: Outcome.Ok }),
    [Outcome.DomainError]: duration.with({ outcome: Outcome.DomainError }),
    [Outcome.Fault]: duration.with({ outcome: Outcome.Fault }),
  }
  return (next) =>
    async function instrumented(ctx, req) {
      const start = performance.now()
      try {
        const res = await next(ctx, req)
        byOutcome.ok.observe((performance.now() - start) / 1000)
        return res
      } catch (err) {
        byOutcome[outcomeOf(err)].observe((performance.now() - start) / 1000)
        throw err
      }
    }
}
