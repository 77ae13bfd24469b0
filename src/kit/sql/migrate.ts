/**
 * Migrations belong to the service whose tables they create. Each service
 * keeps its tables and its own kysely migration table in a PostgreSQL schema
 * of its own, so a service split out into another repository (or another
 * database) takes its tables and its migration history with it, and two
 * services never contend for one migration lock. Migrations are listed
 * statically (an index module importing each file) rather than found on disk,
 * so they run the same under tsx and from the compiled dist/ tree.
 */
import { DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, Migrator, sql } from 'kysely'
import { KitError } from '../errors.js'
import { classify } from './errors.js'

/** MigrationSet is one service's migrations, by name (names sort in the order they run), and their schema. */
export interface MigrationSet {
  readonly schema: string
  readonly migrations: Readonly<Record<string, Migration>>
}

/** Direction says how far to migrate: everything pending, one step up, or one step down. */
export type Direction = 'latest' | 'up' | 'down'

/** MigrationStatus is one migration's name and when it ran, if it has. */
export interface MigrationStatus {
  readonly name: string
  readonly executedAt: Date | undefined
}

/** migrator builds kysely's Migrator for set, with every table (and the migration table) in set.schema. */
function migrator(db: Kysely<unknown>, set: MigrationSet): Migrator {
  return new Migrator({
    db: db.withSchema(set.schema),
    provider: { getMigrations: () => Promise.resolve(set.migrations) },
    migrationTableSchema: set.schema,
  })
}

/**
 * migrate runs set's migrations in direction and returns what it did, one
 * "up name" / "down name" line per migration. A failed migration is rolled
 * back (PostgreSQL runs each in a transaction) and rethrown naming it.
 */
export async function migrate(db: Kysely<unknown>, set: MigrationSet, direction: Direction = 'latest'): Promise<string[]> {
  if (direction === 'latest' && (await upToDate(db, set))) return []
  const m = migrator(db, set)
  const { error, results = [] } =
    direction === 'latest' ? await m.migrateToLatest() : direction === 'up' ? await m.migrateUp() : await m.migrateDown()
  if (error !== undefined) {
    if (error instanceof KitError) throw error
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'setup'
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${set.schema}/${failed} failed: ${reason}`, { cause: error })
  }
  return results.filter((r) => r.status === 'Success').map((r) => `${r.direction.toLowerCase()} ${r.migrationName}`)
}

/**
 * upToDate reports, with one query, whether set's history already holds
 * exactly its migrations, so that a start on an up-to-date schema (every
 * start but the first) skips kysely's Migrator: its catalog introspection
 * and locking cost about as much as opening PGlite itself. Anything else (no
 * history yet, a pending migration, one the code no longer has) is left to
 * the Migrator, which applies or reports it as before.
 */
async function upToDate(db: Kysely<unknown>, set: MigrationSet): Promise<boolean> {
  const wanted = Object.keys(set.migrations).sort()
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${set.schema}.${DEFAULT_MIGRATION_TABLE}`)}`.execute(db)
    const done = rows.map((r) => r.name).sort()
    return done.length === wanted.length && done.every((name, i) => name === wanted[i])
  } catch (err) {
    // No history table yet (a new database) is the Migrator's to set up; an
    // unreachable database would only fail it again, a connect timeout later.
    const unavailable = noHistory(err) ? undefined : classify(err)
    if (unavailable !== undefined) throw unavailable
    return false
  }
}

/** noHistory reports whether err (or what it wraps) is PostgreSQL's "no such table" or "no such schema". */
function noHistory(err: unknown): boolean {
  for (let e = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code
    if (code === '42P01' || code === '3F000') return true
  }
  return false
}

/** status lists set's migrations in order, each with when it ran (undefined while pending). */
export async function status(db: Kysely<unknown>, set: MigrationSet): Promise<MigrationStatus[]> {
  const all = await migrator(db, set).getMigrations()
  return all.map((m) => ({ name: m.name, executedAt: m.executedAt }))
}
