/**
 * An in-memory Store, Go kit's inmemService map behind the Store port: for
 * tests and demos, and the reference the PostgreSQL store is held to (one
 * suite runs against both). Every method runs without awaiting in between,
 * so each is atomic on Node's single thread, as a transaction is in SQL.
 */
import type { Context } from '../../kit/context.js'
import type { Address, Profile, ProfilePatch } from './service.js'
import { type AddResult, addressOf, profileOf, type Store } from './store.js'

/** Row is a stored profile: its fields with the empty values kept, addresses in order. */
interface Row {
  name: string
  addresses: Address[]
}

/** MemoryStore keeps profiles in a Map; a class because it has real state. */
class MemoryStore implements Store {
  readonly #rows = new Map<string, Row>()

  async create(_ctx: Context, p: Profile): Promise<boolean> {
    if (this.#rows.has(p.id)) return false
    this.#rows.set(p.id, rowOf(p))
    return true
  }

  async get(_ctx: Context, id: string): Promise<Profile | undefined> {
    const row = this.#rows.get(id)
    return row && profileOf(id, row.name, [...row.addresses])
  }

  async put(_ctx: Context, p: Profile): Promise<void> {
    this.#rows.set(p.id, rowOf(p))
  }

  async patch(_ctx: Context, id: string, patch: Omit<ProfilePatch, 'id'>): Promise<boolean> {
    const row = this.#rows.get(id)
    if (row === undefined) return false
    if (patch.name !== undefined) row.name = patch.name
    if (patch.addresses !== undefined) row.addresses = patch.addresses.map((a) => addressOf(a.id, a.location ?? ''))
    return true
  }

  async remove(_ctx: Context, id: string): Promise<boolean> {
    return this.#rows.delete(id)
  }

  async addresses(_ctx: Context, profileId: string): Promise<Address[] | undefined> {
    const row = this.#rows.get(profileId)
    return row && [...row.addresses]
  }

  async address(_ctx: Context, profileId: string, addressId: string): Promise<Address | undefined> {
    return this.#rows.get(profileId)?.addresses.find((a) => a.id === addressId)
  }

  async addAddress(_ctx: Context, profileId: string, a: Address): Promise<AddResult> {
    const row = this.#rows.get(profileId)
    if (row === undefined) return 'no-profile'
    if (row.addresses.some((b) => b.id === a.id)) return 'exists'
    row.addresses.push(addressOf(a.id, a.location ?? ''))
    return 'added'
  }

  async removeAddress(_ctx: Context, profileId: string, addressId: string): Promise<boolean> {
    const row = this.#rows.get(profileId)
    const i = row?.addresses.findIndex((a) => a.id === addressId) ?? -1
    if (row === undefined || i < 0) return false
    row.addresses.splice(i, 1)
    return true
  }
}

/** rowOf copies p into a Row, so later changes to p cannot reach the store. */
function rowOf(p: Profile): Row {
  return { name: p.name ?? '', addresses: (p.addresses ?? []).map((a) => addressOf(a.id, a.location ?? '')) }
}

/** makeMemoryStore returns an empty in-memory Store. */
export function makeMemoryStore(): Store {
  return new MemoryStore()
}
