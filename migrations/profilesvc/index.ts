/**
 * @module profilesvc's migrations, listed statically so that they run the
 * same under tsx and from dist/. Append a new migration's import below; names
 * sort in the order the migrations run. Everything lives in the schema
 * "profilesvc", with its own migration table (see src/kit/sql/migrate.ts).
 */
import type { MigrationSet } from '../../src/kit/sql/index.js'
import * as createProfiles from './2025_01_01_000000_create_profiles.js'
import * as createAddresses from './2025_01_01_000100_create_addresses.js'

/** schema is the PostgreSQL schema that holds profilesvc's tables and migration history. */
export const schema = 'profilesvc'

/** migrations are profilesvc's migrations by name. */
export const migrations: MigrationSet['migrations'] = {
  '2025_01_01_000000_create_profiles': createProfiles,
  '2025_01_01_000100_create_addresses': createAddresses,
}

/** set is profilesvc's MigrationSet, as src/migrate.ts and main run it. */
export const set: MigrationSet = { schema, migrations }
