/**
 * profilesvc is a simple CRUD service for user profiles and their addresses,
 * Go kit's profilesvc with its map replaced by a Store, so that profiles can
 * live in PostgreSQL. Business logic only; it knows nothing of HTTP,
 * endpoints, SQL or middlewares.
 */
import type { Context } from '../../kit/context.js'
import type { Counter } from '../../kit/metrics.js'
import { AlreadyExistsError, InconsistentIdsError, NotFoundError } from './errors.js'
import { instrumentingMiddleware } from './middleware.js'
import type { Store } from './store.js'

/** Profile represents a single user profile; its id is globally unique. */
export interface Profile {
  readonly id: string
  /** name is absent when empty (Go kit's omitempty). */
  readonly name?: string
  /** addresses are absent when there are none, and in the order they were added. */
  readonly addresses?: readonly Address[]
}

/** Address is a field of a user profile; its id is unique within the profile. */
export interface Address {
  readonly id: string
  /** location is absent when empty. */
  readonly location?: string
}

/** ProfilePatch carries the fields a PATCH replaces: each field present replaces the stored one. */
export interface ProfilePatch {
  /** id, when present and not empty, must equal the id being patched. */
  readonly id?: string
  readonly name?: string
  readonly addresses?: readonly Address[]
}

/**
 * limits are the sizes a profile may have. The HTTP transport enforces them
 * at the edge (400) and the README documents them; ids are at most 64
 * characters so that they fit any URL path unescaped.
 */
export const limits = { id: 64, name: 200, location: 500, addresses: 100 } as const

/** Service is a simple CRUD interface for user profiles. */
export interface Service {
  /** postProfile creates p. Fails with AlreadyExistsError when p.id is taken or two addresses share an id. */
  postProfile(ctx: Context, p: Profile): Promise<void>
  /** getProfile returns the profile. Fails with NotFoundError. */
  getProfile(ctx: Context, id: string): Promise<Profile>
  /** putProfile creates or replaces the profile. Fails with InconsistentIdsError when p.id ≠ id. */
  putProfile(ctx: Context, id: string, p: Profile): Promise<void>
  /** patchProfile replaces the fields present in p. Fails with NotFoundError or InconsistentIdsError. */
  patchProfile(ctx: Context, id: string, p: ProfilePatch): Promise<void>
  /** deleteProfile removes the profile and its addresses. Fails with NotFoundError. */
  deleteProfile(ctx: Context, id: string): Promise<void>
  /** getAddresses lists the profile's addresses. Fails with NotFoundError when the profile does not exist. */
  getAddresses(ctx: Context, profileId: string): Promise<readonly Address[]>
  /** getAddress returns one address. Fails with NotFoundError (no such profile or address). */
  getAddress(ctx: Context, profileId: string, addressId: string): Promise<Address>
  /** postAddress adds a to the profile. Fails with NotFoundError (profile) or AlreadyExistsError (address id). */
  postAddress(ctx: Context, profileId: string, a: Address): Promise<void>
  /** deleteAddress removes one address. Fails with NotFoundError (no such profile or address). */
  deleteAddress(ctx: Context, profileId: string, addressId: string): Promise<void>
}

/** checkAddressIds enforces that a profile's address ids are unique, before anything is written. */
function checkAddressIds(addresses: readonly Address[] | undefined): void {
  if (addresses === undefined || addresses.length < 2) return
  if (new Set(addresses.map((a) => a.id)).size !== addresses.length) throw new AlreadyExistsError()
}

/** makeBasic returns the Service over store, with no middlewares. */
export function makeBasic(store: Store): Service {
  return {
    async postProfile(ctx, p) {
      checkAddressIds(p.addresses)
      if (!(await store.create(ctx, p))) throw new AlreadyExistsError()
    },
    async getProfile(ctx, id) {
      const p = await store.get(ctx, id)
      if (p === undefined) throw new NotFoundError()
      return p
    },
    async putProfile(ctx, id, p) {
      if (p.id !== id) throw new InconsistentIdsError()
      checkAddressIds(p.addresses)
      await store.put(ctx, p)
    },
    async patchProfile(ctx, id, p) {
      // Go kit: an empty id means "not given"; the id itself cannot be patched.
      if (p.id !== undefined && p.id !== '' && p.id !== id) throw new InconsistentIdsError()
      checkAddressIds(p.addresses)
      const fields = {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.addresses === undefined ? {} : { addresses: p.addresses }),
      }
      if (!(await store.patch(ctx, id, fields))) throw new NotFoundError()
    },
    async deleteProfile(ctx, id) {
      if (!(await store.remove(ctx, id))) throw new NotFoundError()
    },
    async getAddresses(ctx, profileId) {
      const addresses = await store.addresses(ctx, profileId)
      if (addresses === undefined) throw new NotFoundError()
      return addresses
    },
    async getAddress(ctx, profileId, addressId) {
      const a = await store.address(ctx, profileId, addressId)
      if (a === undefined) throw new NotFoundError()
      return a
    },
    async postAddress(ctx, profileId, a) {
      const result = await store.addAddress(ctx, profileId, a)
      if (result === 'no-profile') throw new NotFoundError()
      if (result === 'exists') throw new AlreadyExistsError()
    },
    async deleteAddress(ctx, profileId, addressId) {
      if (!(await store.removeAddress(ctx, profileId, addressId))) throw new NotFoundError()
    },
  }
}

/** Deps are what the service needs: where profiles live, and optionally a counter of changes made. */
export interface Deps {
  readonly store: Store
  /** changes counts committed changes, labelled by change (see instrumentingMiddleware). */
  readonly changes?: Counter
}

/** make returns the Service with its business-aware middlewares, as main wires it. */
export function make(deps: Deps): Service {
  const svc = makeBasic(deps.store)
  return deps.changes ? instrumentingMiddleware(deps.changes)(svc) : svc
}
