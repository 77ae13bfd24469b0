/**
 * The Store is profilesvc's persistence port (Go kit FAQ, "Persistence"): it
 * speaks in profiles and addresses, not rows, so the service's rules never
 * depend on a database. It reports what happened (found or not, created or
 * taken) and leaves the domain errors to the service. Every method is atomic:
 * a profile is written with its addresses or not at all.
 */
import type { Context } from '../../kit/context.js'
import type { Address, Profile, ProfilePatch } from './service.js'

/** AddResult says how adding an address went: added, its id was taken, or the profile does not exist. */
export type AddResult = 'added' | 'exists' | 'no-profile'

/** Store keeps profiles and their addresses; makeMemoryStore and makePostgresStore implement it. */
export interface Store {
  /** create inserts p with its addresses; false when a profile with p.id exists (nothing is written). */
  create(ctx: Context, p: Profile): Promise<boolean>
  /** get returns the profile with its addresses in the order they were added, or undefined. */
  get(ctx: Context, id: string): Promise<Profile | undefined>
  /** put creates p or replaces the profile with that id, addresses included. */
  put(ctx: Context, p: Profile): Promise<void>
  /** patch replaces the fields present in patch; false when the profile does not exist. */
  patch(ctx: Context, id: string, patch: Omit<ProfilePatch, 'id'>): Promise<boolean>
  /** remove deletes the profile and its addresses; false when it did not exist. */
  remove(ctx: Context, id: string): Promise<boolean>
  /** addresses lists a profile's addresses, or undefined when the profile does not exist. */
  addresses(ctx: Context, profileId: string): Promise<Address[] | undefined>
  /** address returns one address, or undefined when the profile or the address does not exist. */
  address(ctx: Context, profileId: string, addressId: string): Promise<Address | undefined>
  /** addAddress appends a to the profile's addresses. */
  addAddress(ctx: Context, profileId: string, a: Address): Promise<AddResult>
  /** removeAddress deletes one address; false when the profile or the address does not exist. */
  removeAddress(ctx: Context, profileId: string, addressId: string): Promise<boolean>
}

/**
 * profileOf builds a Profile in its canonical form, which every store
 * returns: an empty name and an empty address list are left out, as Go kit's
 * `omitempty` leaves them out of the JSON.
 */
export function profileOf(id: string, name: string, addresses: readonly Address[]): Profile {
  return {
    id,
    ...(name === '' ? {} : { name }),
    ...(addresses.length === 0 ? {} : { addresses }),
  }
}

/** addressOf builds an Address in its canonical form: an empty location is left out. */
export function addressOf(id: string, location: string): Address {
  return location === '' ? { id } : { id, location }
}
