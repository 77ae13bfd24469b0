/**
 * @module The database plumbing every service with storage shares: open a
 * PostgreSQL server or embedded PGlite behind one kysely instance, classify
 * driver failures as UnavailableError, and run a service's own migrations.
 */
export { type Database, type DatabaseOptions, open } from './database.js'
export { classify, guard } from './errors.js'
export { type Direction, migrate, type MigrationSet, type MigrationStatus, status } from './migrate.js'
