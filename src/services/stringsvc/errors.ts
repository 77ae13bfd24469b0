/**
 * stringsvc's domain errors: Go kit stringsvc3's one business rule, with its
 * message to the letter, and a stable code for the wire. Go kit's own servers
 * send only the message (`{"v": "", "err": "empty string"}`), so a remote
 * client rebuilds the class from the code when there is one and from the
 * message otherwise: a caller cannot tell a local failure from a remote one.
 */
import { DomainError } from '../../kit/errors.js'

/** EmptyStringError is returned when an input string is empty (Go kit's ErrEmpty). */
export class EmptyStringError extends DomainError {
  readonly code = 'EMPTY_STRING'
  constructor() {
    super('empty string')
  }
}

/** ErrorCode is every code a stringsvc method may fail with; transports map each to a status. */
export type ErrorCode = EmptyStringError['code']

const byCode = {
  EMPTY_STRING: EmptyStringError,
} satisfies Record<ErrorCode, new () => DomainError>

/** fromCode rebuilds a typed error from its wire code, so remote callers see the same class. */
export function fromCode(code: string): DomainError | undefined {
  const E = Object.hasOwn(byCode, code) ? byCode[code as ErrorCode] : undefined
  return E && new E()
}

/** fromMessage rebuilds a typed error from Go kit's message-only wire form, for peers that send no code. */
export function fromMessage(message: string): DomainError | undefined {
  for (const E of Object.values(byCode)) {
    const e = new E()
    if (e.message === message) return e
  }
  return undefined
}
