/**
 * profilesvc's domain errors: Go kit's profilesvc sentinels with the same
 * messages to the letter, and stable codes for the wire. fromCode lets a
 * remote client rebuild the same class, so a caller cannot tell a local
 * failure from a remote one.
 */
import { DomainError, errorTable } from '../../kit/errors.js'

/**
 * NotFoundError says the profile, or the address within it, does not exist.
 * Its code is not the bare NOT_FOUND that an unknown route answers with, so a
 * client pointed at an instance that does not host profilesvc gets a fault,
 * not a believable "no such profile".
 */
export class NotFoundError extends DomainError {
  readonly code = 'RECORD_NOT_FOUND'
  constructor() {
    super('not found')
  }
}

/** AlreadyExistsError refuses to create a profile, or an address within one, whose id is taken. */
export class AlreadyExistsError extends DomainError {
  readonly code = 'ALREADY_EXISTS'
  constructor() {
    super('already exists')
  }
}

/** InconsistentIdsError says the id in a body differs from the id in the path. */
export class InconsistentIdsError extends DomainError {
  readonly code = 'INCONSISTENT_IDS'
  constructor() {
    super('inconsistent IDs')
  }
}

/** ErrorCode is every code a profilesvc method may fail with; transports map each to a status. */
export type ErrorCode = (NotFoundError | AlreadyExistsError | InconsistentIdsError)['code']

/** errors is profilesvc's one code ↔ class table: every transport and client rebuilds its errors through it. */
export const errors = errorTable<ErrorCode>({
  RECORD_NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: AlreadyExistsError,
  INCONSISTENT_IDS: InconsistentIdsError,
})
