/**
 * profilesvc's endpoints: one Endpoint per method, the request and response
 * types that every transport shares, and the per-method middleware policy.
 * Go kit's profilesvc Endpoints, with generics instead of interface{} and
 * thrown domain errors instead of an Err field in each response.
 */
import type { Endpoint } from '../../kit/endpoint.js'
import * as mw from '../../middleware/index.js'
import type * as profileservice from '../../services/profilesvc/index.js'

/** Empty is the response of the methods that answer only with success: `{}` on the wire. */
export type Empty = Readonly<Record<never, never>>

/** PostProfileRequest collects the request parameters for the PostProfile method. */
export interface PostProfileRequest {
  readonly profile: profileservice.Profile
}
/** PostProfileResponse collects the response values for the PostProfile method. */
export type PostProfileResponse = Empty
/** GetProfileRequest collects the request parameters for the GetProfile method. */
export interface GetProfileRequest {
  readonly id: string
}
/** GetProfileResponse collects the response values for the GetProfile method. */
export interface GetProfileResponse {
  readonly profile: profileservice.Profile
}
/** PutProfileRequest collects the request parameters for the PutProfile method. */
export interface PutProfileRequest {
  readonly id: string
  readonly profile: profileservice.Profile
}
/** PutProfileResponse collects the response values for the PutProfile method. */
export type PutProfileResponse = Empty
/** PatchProfileRequest collects the request parameters for the PatchProfile method. */
export interface PatchProfileRequest {
  readonly id: string
  readonly profile: profileservice.ProfilePatch
}
/** PatchProfileResponse collects the response values for the PatchProfile method. */
export type PatchProfileResponse = Empty
/** DeleteProfileRequest collects the request parameters for the DeleteProfile method. */
export interface DeleteProfileRequest {
  readonly id: string
}
/** DeleteProfileResponse collects the response values for the DeleteProfile method. */
export type DeleteProfileResponse = Empty
/** GetAddressesRequest collects the request parameters for the GetAddresses method. */
export interface GetAddressesRequest {
  readonly profileId: string
}
/** GetAddressesResponse collects the response values for the GetAddresses method. */
export interface GetAddressesResponse {
  readonly addresses: readonly profileservice.Address[]
}
/** GetAddressRequest collects the request parameters for the GetAddress method. */
export interface GetAddressRequest {
  readonly profileId: string
  readonly addressId: string
}
/** GetAddressResponse collects the response values for the GetAddress method. */
export interface GetAddressResponse {
  readonly address: profileservice.Address
}
/** PostAddressRequest collects the request parameters for the PostAddress method. */
export interface PostAddressRequest {
  readonly profileId: string
  readonly address: profileservice.Address
}
/** PostAddressResponse collects the response values for the PostAddress method. */
export type PostAddressResponse = Empty
/** DeleteAddressRequest collects the request parameters for the DeleteAddress method. */
export interface DeleteAddressRequest {
  readonly profileId: string
  readonly addressId: string
}
/** DeleteAddressResponse collects the response values for the DeleteAddress method. */
export type DeleteAddressResponse = Empty

/** Endpoints collects all of the endpoints that compose a profile service. */
export interface Endpoints {
  readonly postProfile: Endpoint<PostProfileRequest, PostProfileResponse>
  readonly getProfile: Endpoint<GetProfileRequest, GetProfileResponse>
  readonly putProfile: Endpoint<PutProfileRequest, PutProfileResponse>
  readonly patchProfile: Endpoint<PatchProfileRequest, PatchProfileResponse>
  readonly deleteProfile: Endpoint<DeleteProfileRequest, DeleteProfileResponse>
  readonly getAddresses: Endpoint<GetAddressesRequest, GetAddressesResponse>
  readonly getAddress: Endpoint<GetAddressRequest, GetAddressResponse>
  readonly postAddress: Endpoint<PostAddressRequest, PostAddressResponse>
  readonly deleteAddress: Endpoint<DeleteAddressRequest, DeleteAddressResponse>
}

const empty: Empty = {}

/** makePostProfileEndpoint constructs a PostProfile endpoint wrapping the service. */
export function makePostProfileEndpoint(svc: profileservice.Service): Endpoint<PostProfileRequest, PostProfileResponse> {
  return async (ctx, req) => {
    await svc.postProfile(ctx, req.profile)
    return empty
  }
}

/** makeGetProfileEndpoint constructs a GetProfile endpoint wrapping the service. */
export function makeGetProfileEndpoint(svc: profileservice.Service): Endpoint<GetProfileRequest, GetProfileResponse> {
  return async (ctx, req) => ({ profile: await svc.getProfile(ctx, req.id) })
}

/** makePutProfileEndpoint constructs a PutProfile endpoint wrapping the service. */
export function makePutProfileEndpoint(svc: profileservice.Service): Endpoint<PutProfileRequest, PutProfileResponse> {
  return async (ctx, req) => {
    await svc.putProfile(ctx, req.id, req.profile)
    return empty
  }
}

/** makePatchProfileEndpoint constructs a PatchProfile endpoint wrapping the service. */
export function makePatchProfileEndpoint(svc: profileservice.Service): Endpoint<PatchProfileRequest, PatchProfileResponse> {
  return async (ctx, req) => {
    await svc.patchProfile(ctx, req.id, req.profile)
    return empty
  }
}

/** makeDeleteProfileEndpoint constructs a DeleteProfile endpoint wrapping the service. */
export function makeDeleteProfileEndpoint(svc: profileservice.Service): Endpoint<DeleteProfileRequest, DeleteProfileResponse> {
  return async (ctx, req) => {
    await svc.deleteProfile(ctx, req.id)
    return empty
  }
}

/** makeGetAddressesEndpoint constructs a GetAddresses endpoint wrapping the service. */
export function makeGetAddressesEndpoint(svc: profileservice.Service): Endpoint<GetAddressesRequest, GetAddressesResponse> {
  return async (ctx, req) => ({ addresses: await svc.getAddresses(ctx, req.profileId) })
}

/** makeGetAddressEndpoint constructs a GetAddress endpoint wrapping the service. */
export function makeGetAddressEndpoint(svc: profileservice.Service): Endpoint<GetAddressRequest, GetAddressResponse> {
  return async (ctx, req) => ({ address: await svc.getAddress(ctx, req.profileId, req.addressId) })
}

/** makePostAddressEndpoint constructs a PostAddress endpoint wrapping the service. */
export function makePostAddressEndpoint(svc: profileservice.Service): Endpoint<PostAddressRequest, PostAddressResponse> {
  return async (ctx, req) => {
    await svc.postAddress(ctx, req.profileId, req.address)
    return empty
  }
}

/** makeDeleteAddressEndpoint constructs a DeleteAddress endpoint wrapping the service. */
export function makeDeleteAddressEndpoint(svc: profileservice.Service): Endpoint<DeleteAddressRequest, DeleteAddressResponse> {
  return async (ctx, req) => {
    await svc.deleteAddress(ctx, req.profileId, req.addressId)
    return empty
  }
}

/** Deps are the collaborators and per-method policy of profilesvc's endpoints, chosen by main. */
export type Deps = mw.EndpointDeps<keyof Endpoints>

/**
 * make returns Endpoints wrapping svc in the standard policy of
 * middleware/standard.ts: metrics, a span, logs, the method's rate limit, a
 * breaker.
 *
 * Its methods take no rate limit by default (Go kit's profilesvc has none,
 * and the database pool bounds the work in flight); the breaker opens when
 * the database keeps failing, so callers get an immediate 503 until a trial
 * call finds it back.
 */
export function make(svc: profileservice.Service, deps: Deps): Endpoints {
  const policy = mw.standard<keyof Endpoints>('profilesvc', deps)
  return {
    postProfile: policy('postProfile')(makePostProfileEndpoint(svc)),
    getProfile: policy('getProfile')(makeGetProfileEndpoint(svc)),
    putProfile: policy('putProfile')(makePutProfileEndpoint(svc)),
    patchProfile: policy('patchProfile')(makePatchProfileEndpoint(svc)),
    deleteProfile: policy('deleteProfile')(makeDeleteProfileEndpoint(svc)),
    getAddresses: policy('getAddresses')(makeGetAddressesEndpoint(svc)),
    getAddress: policy('getAddress')(makeGetAddressEndpoint(svc)),
    postAddress: policy('postAddress')(makePostAddressEndpoint(svc)),
    deleteAddress: policy('deleteAddress')(makeDeleteAddressEndpoint(svc)),
  }
}

/** toService adapts Endpoints to Service, so a remote client can stand in for the service. */
export function toService(e: Endpoints): profileservice.Service {
  return {
    postProfile: async (ctx, profile) => {
      await e.postProfile(ctx, { profile })
    },
    getProfile: async (ctx, id) => (await e.getProfile(ctx, { id })).profile,
    putProfile: async (ctx, id, profile) => {
      await e.putProfile(ctx, { id, profile })
    },
    patchProfile: async (ctx, id, profile) => {
      await e.patchProfile(ctx, { id, profile })
    },
    deleteProfile: async (ctx, id) => {
      await e.deleteProfile(ctx, { id })
    },
    getAddresses: async (ctx, profileId) => (await e.getAddresses(ctx, { profileId })).addresses,
    getAddress: async (ctx, profileId, addressId) => (await e.getAddress(ctx, { profileId, addressId })).address,
    postAddress: async (ctx, profileId, address) => {
      await e.postAddress(ctx, { profileId, address })
    },
    deleteAddress: async (ctx, profileId, addressId) => {
      await e.deleteAddress(ctx, { profileId, addressId })
    },
  }
}
