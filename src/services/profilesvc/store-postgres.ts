/**
 * The Store on PostgreSQL, through kysely: the same code runs on a server
 * (pg) and on embedded PGlite. Hand it a Kysely already narrowed to
 * profilesvc's schema (`db.withSchema('profilesvc')`), so that a test or a
 * second tenant can use another schema. Writes that touch more than one row
 * run in one transaction, so a failure leaves nothing half-written; "already
 * exists" is decided by the database (ON CONFLICT), so concurrent creates of
 * one id leave exactly one profile.
 */
import type { Kysely, Transaction } from 'kysely'
import type { Address, Profile } from './service.js'
import { addressOf, profileOf, type Store } from './store.js'
import type { Tables } from './tables.js'

// PostgreSQL's SQLSTATE for a foreign key that points nowhere.
const foreignKeyViolation = '23503'

/** sqlState returns a driver error's SQLSTATE, if it has one. */
function sqlState(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
}

/** makePostgresStore returns a Store on db, which must be narrowed to a migrated profilesvc schema. */
export function makePostgresStore(db: Kysely<Tables>): Store {
  // The read every GET runs is compiled once, with a placeholder id, and run
  // with each call's id as its only parameter: kysely building and compiling
  // the query per call cost about a fifth of GET /profiles/{id}'s time.
  const profileWithAddresses = db
    .selectFrom('profiles as p')
    .leftJoin('addresses as a', 'a.profile_id', 'p.id')
    .select(['p.name', 'a.id as address_id', 'a.location'])
    .where('p.id', '=', '')
    .orderBy('a.seq')
    .compile()

  /** withAddresses reads a profile's name and addresses in one query; undefined when it does not exist. */
  async function withAddresses(id: string): Promise<{ name: string; addresses: Address[] } | undefined> {
    const query: typeof profileWithAddresses = { ...profileWithAddresses, parameters: [id] }
    const { rows } = await db.executeQuery(query)
    const first = rows[0]
    if (first === undefined) return undefined
    const addresses: Address[] = []
    for (const r of rows) if (r.address_id !== null) addresses.push(addressOf(r.address_id, r.location ?? ''))
    return { name: first.name, addresses }
  }

  /** insertAddresses writes a profile's addresses in the order given (seq keeps it). */
  async function insertAddresses(trx: Transaction<Tables>, profileId: string, addresses: readonly Address[]): Promise<void> {
    if (addresses.length === 0) return
    await trx
      .insertInto('addresses')
      .values(addresses.map((a) => ({ profile_id: profileId, id: a.id, location: a.location ?? '' })))
      .execute()
  }

  return {
    async create(_ctx, p) {
      const insert = (q: Kysely<Tables>) =>
        q
          .insertInto('profiles')
          .values({ id: p.id, name: p.name ?? '' })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
      const addresses = p.addresses ?? []
      // One statement is atomic by itself; a transaction is needed only with addresses.
      if (addresses.length === 0) return (await insert(db)) !== undefined
      return db.transaction().execute(async (trx) => {
        if ((await insert(trx)) === undefined) return false
        await insertAddresses(trx, p.id, addresses)
        return true
      })
    },

    async get(_ctx, id): Promise<Profile | undefined> {
      const found = await withAddresses(id)
      return found && profileOf(id, found.name, found.addresses)
    },

    async put(_ctx, p) {
      await db.transaction().execute(async (trx) => {
        const name = p.name ?? ''
        await trx
          .insertInto('profiles')
          .values({ id: p.id, name })
          .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
          .execute()
        await trx.deleteFrom('addresses').where('profile_id', '=', p.id).execute()
        await insertAddresses(trx, p.id, p.addresses ?? [])
      })
    },

    async patch(_ctx, id, patch) {
      return db.transaction().execute(async (trx) => {
        // Lock the row (by updating it, or FOR UPDATE) so a concurrent DELETE waits for us.
        const found =
          patch.name === undefined
            ? await trx.selectFrom('profiles').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
            : await trx.updateTable('profiles').set({ name: patch.name }).where('id', '=', id).returning('id').executeTakeFirst()
        if (found === undefined) return false
        if (patch.addresses !== undefined) {
          await trx.deleteFrom('addresses').where('profile_id', '=', id).execute()
          await insertAddresses(trx, id, patch.addresses)
        }
        return true
      })
    },

    async remove(_ctx, id) {
      // addresses go with it: the foreign key cascades.
      const r = await db.deleteFrom('profiles').where('id', '=', id).executeTakeFirst()
      return r.numDeletedRows > 0n
    },

    async addresses(_ctx, profileId) {
      return (await withAddresses(profileId))?.addresses
    },

    async address(_ctx, profileId, addressId) {
      const r = await db
        .selectFrom('addresses')
        .select(['id', 'location'])
        .where('profile_id', '=', profileId)
        .where('id', '=', addressId)
        .executeTakeFirst()
      return r && addressOf(r.id, r.location)
    },

    async addAddress(_ctx, profileId, a) {
      try {
        const r = await db
          .insertInto('addresses')
          .values({ profile_id: profileId, id: a.id, location: a.location ?? '' })
          .onConflict((oc) => oc.columns(['profile_id', 'id']).doNothing())
          .returning('id')
          .executeTakeFirst()
        return r === undefined ? 'exists' : 'added'
      } catch (err) {
        // The profile does not exist (or was deleted meanwhile): the foreign key says so.
        if (sqlState(err) === foreignKeyViolation) return 'no-profile'
        throw err
      }
    },

    async removeAddress(_ctx, profileId, addressId) {
      const r = await db
        .deleteFrom('addresses')
        .where('profile_id', '=', profileId)
        .where('id', '=', addressId)
        .executeTakeFirst()
      return r.numDeletedRows > 0n
    },
  }
}
