/**
 * addresses holds a profile's addresses. An address id is unique within its
 * profile (the primary key), deleting a profile deletes its addresses (the
 * cascade), and seq keeps them in the order they were added, as Go kit's
 * slice does.
 */
import type { Kysely } from 'kysely'

/** up creates the addresses table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('addresses')
    .addColumn('profile_id', 'text', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addPrimaryKeyConstraint('addresses_pkey', ['profile_id', 'id'])
    .execute()
}

/** down drops the addresses table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('addresses').execute()
}
