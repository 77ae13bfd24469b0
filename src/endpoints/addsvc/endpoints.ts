/**
 * addsvc's endpoints: one Endpoint per method, the request and response types
 * that every transport shares, and the per-method middleware policy. Go kit's
 * addendpoint.Set, with generics instead of interface{}.
 */
import type { Endpoint } from '../../kit/endpoint.js'
import { chain } from '../../kit/endpoint.js'
import type { Logger } from '../../kit/log.js'
import type { Histogram } from '../../kit/metrics.js'
import type { Tracer } from '../../kit/tracing.js'
import * as mw from '../../middleware/index.js'
import type * as addservice from '../../services/addsvc/index.js'

/** SumRequest collects the request parameters for the Sum method. */
export interface SumRequest {
  readonly a: number
  readonly b: number
}
/** SumResponse collects the response values for the Sum method. */
export interface SumResponse {
  readonly v: number
}
/** ConcatRequest collects the request parameters for the Concat method. */
export interface ConcatRequest {
  readonly a: string
  readonly b: string
}
/** ConcatResponse collects the response values for the Concat method. */
export interface ConcatResponse {
  readonly v: string
}

/** Endpoints collects all of the endpoints that compose an add service. */
export interface Endpoints {
  readonly sum: Endpoint<SumRequest, SumResponse>
  readonly concat: Endpoint<ConcatRequest, ConcatResponse>
}

/** makeSumEndpoint constructs a Sum endpoint wrapping the service. */
export function makeSumEndpoint(svc: addservice.Service): Endpoint<SumRequest, SumResponse> {
  return async (ctx, req) => ({ v: await svc.sum(ctx, req.a, req.b) })
}

/** makeConcatEndpoint constructs a Concat endpoint wrapping the service. */
export function makeConcatEndpoint(svc: addservice.Service): Endpoint<ConcatRequest, ConcatResponse> {
  return async (ctx, req) => ({ v: await svc.concat(ctx, req.a, req.b) })
}

/** Deps are the collaborators and policy of every addsvc endpoint middleware, chosen by main. */
export interface Deps {
  readonly log: Logger
  /** duration is labelled service, method and outcome; the endpoints bind service and method. */
  readonly duration: Histogram
  readonly tracer: Tracer
  /** limits are requests per second per method (SUM_RATE_LIMIT, CONCAT_RATE_LIMIT). */
  readonly limits: { readonly sum: number; readonly concat: number }
}

/**
 * make returns Endpoints wrapping svc with the standard policy, outermost
 * first: metrics, a span, logs (inside the span, so they carry its trace id),
 * the rate limit, then the breaker. The rate limit stands outside the breaker
 * (Go kit has it inside), so that refusing excess traffic never counts as the
 * service failing.
 */
export function make(svc: addservice.Service, deps: Deps): Endpoints {
  const policy = (method: string, rate: number) =>
    chain(
      mw.instrumenting(deps.duration.with({ service: 'addsvc', method })),
      mw.tracing(deps.tracer, `addsvc.${method}`),
      mw.logging(deps.log.with({ service: 'addsvc', method })),
      mw.rateLimit(mw.tokenBucket(rate)),
      mw.circuitBreaker({ name: `addsvc.${method}` }),
    )
  return {
    sum: policy('sum', deps.limits.sum)(makeSumEndpoint(svc)),
    concat: policy('concat', deps.limits.concat)(makeConcatEndpoint(svc)),
  }
}

/** toService adapts Endpoints to Service, so a remote client can stand in for the service. */
export function toService(e: Endpoints): addservice.Service {
  return {
    sum: async (ctx, a, b) => (await e.sum(ctx, { a, b })).v,
    concat: async (ctx, a, b) => (await e.concat(ctx, { a, b })).v,
  }
}
