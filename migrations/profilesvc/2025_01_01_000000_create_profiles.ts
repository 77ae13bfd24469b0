/**
 * profiles holds one row per profile. An empty name means "no name" (Go kit's
 * omitempty), so the column is never null.
 */
import type { Kysely } from 'kysely'

/** up creates the profiles table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
}

/** down drops the profiles table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('profiles').execute()
}
