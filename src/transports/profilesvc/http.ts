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
 * them, and so is fastify by default.
 *
 * The schemas validate every request at the edge (fastify answers 400 naming
 * the field), make fastify serialize responses fast, type the decoders, and
 * document the API in OpenAPI. Unknown fields are refused, never silently
 * dropped. Limits (profileservice.limits): an id (profile or address) is 1 to
 * 64 characters of A-Z a-z 0-9 . _ ~ - and not "." or "..", so it travels in
 * a URL path unescaped and unambiguous; a name is at most 200 characters and
 * a location at most 500, neither containing NUL (PostgreSQL text cannot
 * hold it); a body carries at most 100 addresses.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { type Static, type TSchema, Type } from 'typebox'
import type * as profileendpoint from '../../endpoints/profilesvc/index.js'
import type { Logger } from '../../kit/log.js'
import * as kithttp from '../../kit/transport/http-server.js'
import * as profileservice from '../../services/profilesvc/index.js'

/** statusByCode maps every profilesvc domain error to an HTTP status (Go kit's codeFrom). */
export const statusByCode = {
  RECORD_NOT_FOUND: 404,
  ALREADY_EXISTS: 400,
  INCONSISTENT_IDS: 400,
} as const satisfies Record<profileservice.ErrorCode, number>

const { limits } = profileservice

/** Id is a profile or address id, in a path or a body. */
const Id = Type.String({ minLength: 1, maxLength: limits.id, pattern: '^(?!\\.\\.?$)[A-Za-z0-9._~-]+$' })
const noNul = '^[^\\u0000]*$'
const Name = Type.String({ maxLength: limits.name, pattern: noNul })
const Location = Type.String({ maxLength: limits.location, pattern: noNul })

/** AddressBody is an Address as a client sends it. */
const AddressBody = Type.Object({ id: Id, location: Type.Optional(Location) }, { additionalProperties: false })
const Addresses = Type.Array(AddressBody, { maxItems: limits.addresses })

/** ProfileBody is a Profile as POST /profiles/ takes it: the id is required. */
const ProfileBody = Type.Object(
  { id: Id, name: Type.Optional(Name), addresses: Type.Optional(Addresses) },
  { additionalProperties: false },
)
/** PutProfileBody is a Profile as PUT takes it: a missing id is Go kit's "inconsistent IDs", not a schema error. */
const PutProfileBody = Type.Object(
  { id: Type.Optional(Id), name: Type.Optional(Name), addresses: Type.Optional(Addresses) },
  { additionalProperties: false },
)
/** PatchProfileBody carries the fields a PATCH replaces; all are optional. */
const PatchProfileBody = PutProfileBody

/** ProfileParams are the path parameters of /profiles/:id routes. */
const ProfileParams = Type.Object({ id: Id })
/** AddressParams are the path parameters of /profiles/:id/addresses/:addressID routes. */
const AddressParams = Type.Object({ id: Id, addressID: Id })

// Responses are read-only arrays, as the Service returns them.
const AddressOut = Type.Object({ id: Type.String(), location: Type.Optional(Type.String()) })
const ProfileOut = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  addresses: Type.Optional(Type.Immutable(Type.Array(AddressOut))),
})
const Empty = Type.Object({}, { description: 'success' })
const Failure = Type.Object({ error: Type.String(), code: Type.String() })

// Every route may fail validation (400) or find the database unavailable (503).
const failures = { 400: Failure, 503: Failure }
const notFound = { 404: Failure }

/** schemas are the route schemas, by endpoint. */
const schemas = {
  postProfile: { summary: 'Create a profile', body: ProfileBody, response: { 200: Empty, ...failures } },
  getProfile: {
    summary: 'Get a profile with its addresses',
    params: ProfileParams,
    response: { 200: Type.Object({ profile: ProfileOut }), ...failures, ...notFound },
  },
  putProfile: {
    summary: 'Create or replace a profile',
    params: ProfileParams,
    body: PutProfileBody,
    response: { 200: Empty, ...failures },
  },
  patchProfile: {
    summary: 'Replace the fields present in the body',
    params: ProfileParams,
    body: PatchProfileBody,
    response: { 200: Empty, ...failures, ...notFound },
  },
  deleteProfile: {
    summary: 'Delete a profile and its addresses',
    params: ProfileParams,
    response: { 200: Empty, ...failures, ...notFound },
  },
  getAddresses: {
    summary: "List a profile's addresses",
    params: ProfileParams,
    response: { 200: Type.Object({ addresses: Type.Immutable(Type.Array(AddressOut)) }), ...failures, ...notFound },
  },
  getAddress: {
    summary: 'Get one address of a profile',
    params: AddressParams,
    response: { 200: Type.Object({ address: AddressOut }), ...failures, ...notFound },
  },
  postAddress: {
    summary: 'Add an address to a profile',
    params: ProfileParams,
    body: AddressBody,
    response: { 200: Empty, ...failures, ...notFound },
  },
  deleteAddress: {
    summary: 'Delete one address of a profile',
    params: AddressParams,
    response: { 200: Empty, ...failures, ...notFound },
  },
}

type WithParams<P extends TSchema> = FastifyRequest<{ Params: Static<P> }>
type WithBody<P extends TSchema, B extends TSchema> = FastifyRequest<{ Params: Static<P>; Body: Static<B> }>

/** routes binds every profilesvc endpoint to Go kit's route for it; a method missing here fails typecheck. */
const routes = {
  postProfile: {
    method: 'POST',
    url: '/profiles/',
    schema: schemas.postProfile,
    decode: (r: FastifyRequest<{ Body: Static<typeof ProfileBody> }>) => ({ profile: r.body }),
  },
  getProfile: {
    method: 'GET',
    url: '/profiles/:id',
    schema: schemas.getProfile,
    decode: (r: WithParams<typeof ProfileParams>) => ({ id: r.params.id }),
  },
  putProfile: {
    method: 'PUT',
    url: '/profiles/:id',
    schema: schemas.putProfile,
    // A missing body id becomes "", so the service answers Go kit's "inconsistent IDs".
    decode: (r: WithBody<typeof ProfileParams, typeof PutProfileBody>) => ({ id: r.params.id, profile: { ...r.body, id: r.body.id ?? '' } }),
  },
  patchProfile: {
    method: 'PATCH',
    url: '/profiles/:id',
    schema: schemas.patchProfile,
    decode: (r: WithBody<typeof ProfileParams, typeof PatchProfileBody>) => ({ id: r.params.id, profile: r.body }),
  },
  deleteProfile: {
    method: 'DELETE',
    url: '/profiles/:id',
    schema: schemas.deleteProfile,
    decode: (r: WithParams<typeof ProfileParams>) => ({ id: r.params.id }),
  },
  getAddresses: {
    method: 'GET',
    url: '/profiles/:id/addresses/',
    schema: schemas.getAddresses,
    decode: (r: WithParams<typeof ProfileParams>) => ({ profileId: r.params.id }),
  },
  getAddress: {
    method: 'GET',
    url: '/profiles/:id/addresses/:addressID',
    schema: schemas.getAddress,
    decode: (r: WithParams<typeof AddressParams>) => ({ profileId: r.params.id, addressId: r.params.addressID }),
  },
  postAddress: {
    method: 'POST',
    url: '/profiles/:id/addresses/',
    schema: schemas.postAddress,
    decode: (r: WithBody<typeof ProfileParams, typeof AddressBody>) => ({ profileId: r.params.id, address: r.body }),
  },
  deleteAddress: {
    method: 'DELETE',
    url: '/profiles/:id/addresses/:addressID',
    schema: schemas.deleteAddress,
    decode: (r: WithParams<typeof AddressParams>) => ({ profileId: r.params.id, addressId: r.params.addressID }),
  },
} satisfies kithttp.Routes<profileendpoint.Endpoints>

/**
 * requests lists each endpoint request's fields in order, with their schemas,
 * for requests built by hand (src/cli.ts). They are what the decoders above
 * build from the path and the body: the path's :id is a profile's id or, under
 * /addresses/, the profileId; a body is the whole profile or address.
 */
export const requests = {
  postProfile: { profile: ProfileBody },
  getProfile: { id: Id },
  putProfile: { id: Id, profile: PutProfileBody },
  patchProfile: { id: Id, profile: PatchProfileBody },
  deleteProfile: { id: Id },
  getAddresses: { profileId: Id },
  getAddress: { profileId: Id, addressId: Id },
  postAddress: { profileId: Id, address: AddressBody },
  deleteAddress: { profileId: Id, addressId: Id },
} satisfies Record<keyof profileendpoint.Endpoints, Readonly<Record<string, TSchema>>>

/** httpRoutes returns a fastify plugin serving endpoints at Go kit's profilesvc routes; security (main's auth policy) is documented in OpenAPI. */
export function httpRoutes(endpoints: profileendpoint.Endpoints, log: Logger, security: kithttp.Security = {}): FastifyPluginAsync {
  return kithttp.plugin('profilesvc', routes, endpoints, { statusByCode, log, security })
}
