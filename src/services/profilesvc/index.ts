/** @module profilesvc's business surface: the Service interface, its factories, its Store port and stores, and its domain errors. */
export { AlreadyExistsError, type ErrorCode, InconsistentIdsError, NotFoundError, errors } from './errors.js'
export { instrumentingMiddleware, type Middleware } from './middleware.js'
export {
  type Address,
  type Deps,
  limits,
  make,
  makeBasic,
  type Profile,
  type ProfilePatch,
  type Service,
} from './service.js'
export { type AddResult, type Store } from './store.js'
export { makeMemoryStore } from './store-memory.js'
export { makePostgresStore } from './store-postgres.js'
export type { AddressesTable, ProfilesTable, Tables } from './tables.js'
