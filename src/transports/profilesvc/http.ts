/**
 * profilesvc over HTTP, Go kit's wire format (profilesvc/transport.go):
 *
 *   POST   /profiles/                          Profile → {}                      already exists: 400
 *   GET    /profiles/:id                       → {"profile": Profile}           not found: 404
 *   PUT    /profiles/:id                       Profile → {} (create or replace) inconsistent IDs: 400
 *   PATCH  /profiles/:id                       Profile (fields present) → {}    not found: 404; inconsistent IDs: 400
 *   DELETE /profiles/:id                       → {}                             not found: 404
 *   GET    /profiles/:id/addresses/            → {"addresses": [Address]}       not found: 404
 *   GET    /profiles/:id/addresses/:addressID  → {"address": Address}           not found: 404
 *   POST   /profiles/:id/addresses/            Address → {}                     not found: 404; already exists: 400
 *   DELETE /profiles/:id/addresses/:addressID  → {}                             not found: 404
 *   failures → {"error": message, "code": CODE}; database unavailable: 503
 *
 * Trailing slashes are exactly as listed: Go kit's router is strict about
 * them, and so is fastify by default. Schemas live in http-schemas.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import type * as profileendpoint from '../../endpoints/profilesvc/index.js'
import type { Logger } from '../../kit/log.js'
import * as kithttp from '../../kit/transport/http-server.js'
import type * as profileservice from '../../services/profilesvc/index.js'
import {
  type AddressBody,
  type AddressParams,
  type PatchProfileBody,
  type ProfileBody,
  type ProfileParams,
  type PutProfileBody,
  schemas,
} from './http-schemas.js'

/** statusByCode maps every profilesvc domain error to an HTTP status (Go kit's codeFrom). */
export const statusByCode = {
  RECORD_NOT_FOUND: 404,
  ALREADY_EXISTS: 400,
  INCONSISTENT_IDS: 400,
} as const satisfies Record<profileservice.ErrorCode, number>

type WithParams<P extends TSchema> = FastifyRequest<{ Params: Static<P> }>
type WithBody<P extends TSchema, B extends TSchema> = FastifyRequest<{ Params: Static<P>; Body: Static<B> }>

/** decodePostProfileRequest maps a validated body to a PostProfileRequest. */
export function decodePostProfileRequest(request: FastifyRequest<{ Body: Static<typeof ProfileBody> }>): profileendpoint.PostProfileRequest {
  return { profile: request.body }
}

/** decodeGetProfileRequest maps the path to a GetProfileRequest. */
export function decodeGetProfileRequest(request: WithParams<typeof ProfileParams>): profileendpoint.GetProfileRequest {
  return { id: request.params.id }
}

/** decodePutProfileRequest maps path and body to a PutProfileRequest; a missing body id becomes "". */
export function decodePutProfileRequest(request: WithBody<typeof ProfileParams, typeof PutProfileBody>): profileendpoint.PutProfileRequest {
  return { id: request.params.id, profile: { ...request.body, id: request.body.id ?? '' } }
}

/** decodePatchProfileRequest maps path and body to a PatchProfileRequest. */
export function decodePatchProfileRequest(request: WithBody<typeof ProfileParams, typeof PatchProfileBody>): profileendpoint.PatchProfileRequest {
  return { id: request.params.id, profile: request.body }
}

/** decodeDeleteProfileRequest maps the path to a DeleteProfileRequest. */
export function decodeDeleteProfileRequest(request: WithParams<typeof ProfileParams>): profileendpoint.DeleteProfileRequest {
  return { id: request.params.id }
}

/** decodeGetAddressesRequest maps the path to a GetAddressesRequest. */
export function decodeGetAddressesRequest(request: WithParams<typeof ProfileParams>): profileendpoint.GetAddressesRequest {
  return { profileId: request.params.id }
}

/** decodeGetAddressRequest maps the path to a GetAddressRequest. */
export function decodeGetAddressRequest(request: WithParams<typeof AddressParams>): profileendpoint.GetAddressRequest {
  return { profileId: request.params.id, addressId: request.params.addressID }
}

/** decodePostAddressRequest maps path and body to a PostAddressRequest. */
export function decodePostAddressRequest(request: WithBody<typeof ProfileParams, typeof AddressBody>): profileendpoint.PostAddressRequest {
  return { profileId: request.params.id, address: request.body }
}

/** decodeDeleteAddressRequest maps the path to a DeleteAddressRequest. */
export function decodeDeleteAddressRequest(request: WithParams<typeof AddressParams>): profileendpoint.DeleteAddressRequest {
  return { profileId: request.params.id, addressId: request.params.addressID }
}

/** httpRoutes returns a fastify plugin serving endpoints at Go kit's profilesvc routes. */
export function httpRoutes(endpoints: profileendpoint.Endpoints, log: Logger): FastifyPluginAsyncTypebox {
  return async function profilesvcHttp(app) {
    app.setErrorHandler(kithttp.errorEncoder(statusByCode, log))
    const e = endpoints
    app.post('/profiles/', { schema: schemas.postProfile }, kithttp.handler(e.postProfile, decodePostProfileRequest))
    app.get('/profiles/:id', { schema: schemas.getProfile }, kithttp.handler(e.getProfile, decodeGetProfileRequest))
    app.put('/profiles/:id', { schema: schemas.putProfile }, kithttp.handler(e.putProfile, decodePutProfileRequest))
    app.patch('/profiles/:id', { schema: schemas.patchProfile }, kithttp.handler(e.patchProfile, decodePatchProfileRequest))
    app.delete('/profiles/:id', { schema: schemas.deleteProfile }, kithttp.handler(e.deleteProfile, decodeDeleteProfileRequest))
    app.get('/profiles/:id/addresses/', { schema: schemas.getAddresses }, kithttp.handler(e.getAddresses, decodeGetAddressesRequest))
    app.get('/profiles/:id/addresses/:addressID', { schema: schemas.getAddress }, kithttp.handler(e.getAddress, decodeGetAddressRequest))
    app.post('/profiles/:id/addresses/', { schema: schemas.postAddress }, kithttp.handler(e.postAddress, decodePostAddressRequest))
    app.delete('/profiles/:id/addresses/:addressID', { schema: schemas.deleteAddress }, kithttp.handler(e.deleteAddress, decodeDeleteAddressRequest))
  }
}
