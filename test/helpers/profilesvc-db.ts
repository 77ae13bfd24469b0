/**
 * Databases for tests: embedded PGlite started from the migrated image that
 * globalSetup built (test/setup/pglite-image.ts), the PostgreSQL server at
 * DATABASE_URL (or postgres://postgres@127.0.0.1:5432/test) when it answers,
 * and a fresh, migrated schema of a test's own on either, dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type Kysely, sql } from 'kysely'
import { inject } from 'vitest'
import * as profilemigrations from '../../migrations/profilesvc/index.js'
import * as kitsql from '../../src/kit/sql/index.js'
import type * as profileservice from '../../src/services/profilesvc/index.js'

/** pgliteImage reads the migrated PGlite image built by globalSetup. */
export async function pgliteImage(): Promise<Blob> {
  return new Blob([await readFile(inject('pgliteImage'))])
}

/** openPglite starts PGlite from the image: in memory, or file-backed under dataDir. */
export async function openPglite(dataDir = 'memory://'): Promise<kitsql.Database> {
  return kitsql.open({ dataDir, image: await pgliteImage() })
}

/** serverUrl is the PostgreSQL server tests use when it answers. */
export const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * postgresServer reports whether the server at serverUrl answers within a
 * second, and warns plainly when it does not, so skipped suites are visible.
 */
export async function postgresServer(suite: string): Promise<boolean> {
  const db = await kitsql.open({ url: serverUrl, connectTimeoutMs: 1_000, poolMax: 1 })
  try {
    await db.ping()
    return true
  } catch (err) {
    console.warn(`SKIPPED ${suite} on PostgreSQL: no server answers at ${serverUrl} (${(err as Error).message})`)
    return false
  } finally {
    await db.close()
  }
}

/** Schema is a migrated profilesvc schema of a test's own. */
export interface Schema {
  readonly name: string
  /** db is narrowed to the schema, as main narrows it to "profilesvc". */
  readonly db: Kysely<profileservice.Tables>
  /** drop removes the schema and everything in it. */
  drop(): Promise<void>
}

/** freshSchema migrates profilesvc into a new, randomly named schema on database. */
export async function freshSchema(database: kitsql.Database): Promise<Schema> {
  const name = `profilesvc_test_${randomBytes(6).toString('hex')}`
  await kitsql.migrate(database.db, { ...profilemigrations.set, schema: name })
  return {
    name,
    db: database.db.withSchema(name).withTables<profileservice.Tables>(),
    async drop() {
      await sql`drop schema if exists ${sql.id(name)} cascade`.execute(database.db)
    },
  }
}
