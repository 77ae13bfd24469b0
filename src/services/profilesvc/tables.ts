/**
 * The kysely table types of profilesvc's schema, as the migrations in
 * migrations/profilesvc create it. Only the PostgreSQL store sees them; the
 * rest of the service speaks in Profile and Address. They are type aliases,
 * not interfaces, so that kysely's withTables<Tables>() accepts them.
 */
import type { GeneratedAlways } from 'kysely'

/** ProfilesTable is a profile's row; an empty name means the profile has none. */
export type ProfilesTable = {
  id: string
  name: string
}

/** AddressesTable is one address of a profile; seq orders a profile's addresses as they were added. */
export type AddressesTable = {
  profile_id: string
  id: string
  location: string
  seq: GeneratedAlways<string>
}

/** Tables is profilesvc's schema, for Kysely<Tables>. */
export type Tables = {
  profiles: ProfilesTable
  addresses: AddressesTable
}
