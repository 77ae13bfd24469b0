/**
 * The JSON schemas of profilesvc's HTTP routes. They validate every request
 * at the edge (fastify answers 400 naming the field), make fastify serialize
 * responses fast, type the decoders, and document the API in OpenAPI. Unknown
 * fields are refused, never silently dropped.
 *
 * Limits (profileservice.limits): an id (profile or address) is 1 to 64
 * characters of A-Z a-z 0-9 . _ ~ - and not "." or "..", so it travels in a
 * URL path unescaped and unambiguous; a name is at most 200 characters and a
 * location at most 500, neither containing NUL (PostgreSQL text cannot hold
 * it); a body carries at most 100 addresses.
 */
import { Type } from 'typebox'
import * as profileservice from '../../services/profilesvc/index.js'

const { limits } = profileservice

/** Id is a profile or address id, in a path or a body. */
export const Id = Type.String({ minLength: 1, maxLength: limits.id, pattern: '^(?!\\.\\.?$)[A-Za-z0-9._~-]+$' })
const noNul = '^[^\\u0000]*$'
const Name = Type.String({ maxLength: limits.name, pattern: noNul })
const Location = Type.String({ maxLength: limits.location, pattern: noNul })

/** AddressBody is an Address as a client sends it. */
export const AddressBody = Type.Object({ id: Id, location: Type.Optional(Location) }, { additionalProperties: false })
const Addresses = Type.Array(AddressBody, { maxItems: limits.addresses })

/** ProfileBody is a Profile as POST /profiles/ takes it: the id is required. */
export const ProfileBody = Type.Object(
  { id: Id, name: Type.Optional(Name), addresses: Type.Optional(Addresses) },
  { additionalProperties: false },
)
/** PutProfileBody is a Profile as PUT takes it: a missing id is Go kit's "inconsistent IDs", not a schema error. */
export const PutProfileBody = Type.Object(
  { id: Type.Optional(Id), name: Type.Optional(Name), addresses: Type.Optional(Addresses) },
  { additionalProperties: false },
)
/** PatchProfileBody carries the fields a PATCH replaces; all are optional. */
export const PatchProfileBody = PutProfileBody

/** ProfileParams are the path parameters of /profiles/:id routes. */
export const ProfileParams = Type.Object({ id: Id })
/** AddressParams are the path parameters of /profiles/:id/addresses/:addressID routes. */
export const AddressParams = Type.Object({ id: Id, addressID: Id })

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
export const schemas = {
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
