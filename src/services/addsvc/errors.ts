/**
 * addsvc's domain errors: the business rules of Go kit's addservice, with the
 * same messages to the letter, and stable codes for the wire. fromCode lets a
 * remote client rebuild the same class, so a caller cannot tell a local
 * failure from a remote one.
 */
import { DomainError, errorTable } from '../../kit/errors.js'

/** TwoZeroesError is an arbitrary business rule for the Sum method. */
export class TwoZeroesError extends DomainError {
  readonly code = 'TWO_ZEROES'
  constructor() {
    super("can't sum two zeroes")
  }
}

/** IntOverflowError protects the Sum method against a result outside 32-bit signed integers. */
export class IntOverflowError extends DomainError {
  readonly code = 'INT_OVERFLOW'
  constructor() {
    super('integer overflow')
  }
}

/** MaxSizeExceededError protects the Concat method against results over 10 bytes of UTF-8. */
export class MaxSizeExceededError extends DomainError {
  readonly code = 'MAX_SIZE_EXCEEDED'
  constructor() {
    super('result exceeds maximum size')
  }
}

/** ErrorCode is every code an addsvc method may fail with; transports map each to a status. */
export type ErrorCode = (TwoZeroesError | IntOverflowError | MaxSizeExceededError)['code']

/** errors is addsvc's one code ↔ class table: every transport and client rebuilds its errors through it. */
export const errors = errorTable<ErrorCode>({
  TWO_ZEROES: TwoZeroesError,
  INT_OVERFLOW: IntOverflowError,
  MAX_SIZE_EXCEEDED: MaxSizeExceededError,
})
