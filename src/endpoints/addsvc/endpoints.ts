/**
 * addsvc's endpoints: one Endpoint per method, the request and response types
 * that every transport shares, and the per-method middleware policy. Go kit's
 * addendpoint.Set, with generics instead of interface{}.
 */
import type { Endpoint } from '../../kit/endpoint.js'
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

/** Deps are the collaborators and per-method policy of addsvc's endpoints, chosen by main. */
export type Deps = mw.EndpointDeps<keyof Endpoints>

/**
 * make returns Endpoints wrapping svc in the standard policy of
 * middleware/standard.ts: metrics, a span, logs, the method's rate limit, a
 * breaker.
 */
export function make(svc: addservice.Service, deps: Deps): Endpoints {
  const policy = mw.standard<keyof Endpoints>('addsvc', deps)
  return {
    sum: policy('sum')(makeSumEndpoint(svc)),
    concat: policy('concat')(makeConcatEndpoint(svc)),
  }
}

/** toService adapts Endpoints to Service, so a remote client can stand in for the service. */
export function toService(e: Endpoints): addservice.Service {
  return {
    sum: async (ctx, a, b) => (await e.sum(ctx, { a, b })).v,
    concat: async (ctx, a, b) => (await e.concat(ctx, { a, b })).v,
  }
}
