/**
 * stringsvc's domain errors: Go kit stringsvc3's one business rule, with its
 * message to the letter, and a stable code for the wire. Go kit's own servers
 * send only the message (`{"v": "", "err": "empty string"}`), so a remote
 * client rebuilds the class from the code when there is one and from the
 * message otherwise: a caller cannot tell a local failure from a remote one.
 */
import { DomainError, errorTable } from '../../kit/errors.js'

/** EmptyStringError is returned when an input string is empty (Go kit's ErrEmpty). */
export class EmptyStringError extends DomainError {
  readonly code = 'EMPTY_STRING'
  constructor() {
    super('empty string')
  }
}

/** ErrorCode is every code a stringsvc method may fail with; transports map each to a status. */
export type ErrorCode = EmptyStringError['code']

/** errors is stringsvc's one code ↔ class table: every transport and client rebuilds its errors through it. */
export const errors = errorTable<ErrorCode>({
  EMPTY_STRING: EmptyStringError,
})
