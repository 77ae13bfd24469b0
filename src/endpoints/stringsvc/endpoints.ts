/**
 * stringsvc's endpoints: one Endpoint per method, the request and response
 * types that every transport shares, and the per-method middleware policy.
 * Go kit stringsvc3's makeUppercaseEndpoint and makeCountEndpoint, with the
 * business error thrown as a DomainError rather than packed into the
 * response: only the HTTP transport writes it Go kit's way, as `err`.
 */
import type { Endpoint } from '../../kit/endpoint.js'
import * as mw from '../../middleware/index.js'
import type * as stringservice from '../../services/stringsvc/index.js'

/** UppercaseRequest collects the request parameters for the Uppercase method. */
export interface UppercaseRequest {
  readonly s: string
}
/** UppercaseResponse collects the response values for the Uppercase method. */
export interface UppercaseResponse {
  readonly v: string
}
/** CountRequest collects the request parameters for the Count method. */
export interface CountRequest {
  readonly s: string
}
/** CountResponse collects the response values for the Count method. */
export interface CountResponse {
  readonly v: number
}

/** Endpoints collects all of the endpoints that compose a string service. */
export interface Endpoints {
  readonly uppercase: Endpoint<UppercaseRequest, UppercaseResponse>
  readonly count: Endpoint<CountRequest, CountResponse>
}

/** makeUppercaseEndpoint constructs an Uppercase endpoint wrapping the service. */
export function makeUppercaseEndpoint(svc: stringservice.Service): Endpoint<UppercaseRequest, UppercaseResponse> {
  return async (ctx, req) => ({ v: await svc.uppercase(ctx, req.s) })
}

/** makeCountEndpoint constructs a Count endpoint wrapping the service. */
export function makeCountEndpoint(svc: stringservice.Service): Endpoint<CountRequest, CountResponse> {
  return async (ctx, req) => ({ v: await svc.count(ctx, req.s) })
}

/** Deps are the collaborators and per-method policy of stringsvc's endpoints, chosen by main. */
export type Deps = mw.EndpointDeps<keyof Endpoints>

/**
 * make returns Endpoints wrapping svc in the standard policy of
 * middleware/standard.ts: metrics, a span, logs, the method's rate limit, a
 * breaker.
 */
export function make(svc: stringservice.Service, deps: Deps): Endpoints {
  const policy = mw.standard<keyof Endpoints>('stringsvc', deps)
  return {
    uppercase: policy('uppercase')(makeUppercaseEndpoint(svc)),
    count: policy('count')(makeCountEndpoint(svc)),
  }
}

/** toUppercase adapts an Uppercase endpoint to the service method, e.g. the peers proxyingMiddleware calls. */
export function toUppercase(e: Endpoint<UppercaseRequest, UppercaseResponse>): stringservice.Service['uppercase'] {
  return async (ctx, s) => (await e(ctx, { s })).v
}

/** toService adapts Endpoints to Service, so a remote client can stand in for the service. */
export function toService(e: Endpoints): stringservice.Service {
  return {
    uppercase: toUppercase(e.uppercase),
    count: async (ctx, s) => (await e.count(ctx, { s })).v,
  }
}
