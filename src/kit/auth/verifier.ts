/**
 * The two small contracts of authentication, Go kit's auth packages in one
 * shape. A server's Verifier turns the credential a transport read (the
 * Authorization value, carried in Context.credential) into verified Claims,
 * or refuses with UnauthenticatedError: "missing credentials", "invalid
 * token" or "token expired", never why a signature failed. A client's Signer
 * gives the Authorization value its remote calls carry. jwt.ts and basic.ts
 * adapt jose and node:crypto to them; middleware/auth.ts puts them in a chain.
 */
import type { Claims } from '../context.js'
import { UnauthenticatedError, type UnauthenticatedReason } from '../errors.js'

/** Verifier checks a credential and returns its claims; it throws UnauthenticatedError when it cannot. */
export interface Verifier {
  /** scheme is the HTTP authentication scheme it reads, for WWW-Authenticate and the OpenAPI document. */
  readonly scheme: 'bearer' | 'basic'
  verify(credential: string | undefined): Promise<Claims>
}

/** Signer gives the Authorization value a client sends, e.g. `Bearer eyJ…`; it may cache and renew it. */
export interface Signer {
  credential(): Promise<string>
}

// RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme is case-insensitive.
const bearer = /^bearer +([\w\-.~+/]+=*)$/i

/** bearerToken returns the token of a `Bearer <token>` credential, or undefined for anything else. */
export function bearerToken(credential: string | undefined): string | undefined {
  return credential === undefined ? undefined : bearer.exec(credential)?.[1]
}

/** quoted makes a realm safe inside a WWW-Authenticate quoted string. */
function quoted(value: string): string {
  return `"${value.replace(/["\\\r\n]/g, '')}"`
}

/**
 * bearerRefusal is the error a bearer verifier throws: its challenge names
 * the realm and, when a token was sent, RFC 6750's error="invalid_token".
 */
export function bearerRefusal(realm: string, reason: UnauthenticatedReason): UnauthenticatedError {
  const challenge = reason === 'missing credentials' ? `Bearer realm=${quoted(realm)}` : `Bearer realm=${quoted(realm)}, error="invalid_token"`
  return new UnauthenticatedError(reason, challenge)
}

/** basicRefusal is the error a Basic verifier throws, with Go kit's `Basic realm="…"` challenge. */
export function basicRefusal(realm: string, reason: UnauthenticatedReason): UnauthenticatedError {
  return new UnauthenticatedError(reason, `Basic realm=${quoted(realm)}, charset="UTF-8"`)
}

/**
 * staticCredential returns a Signer that always sends token: as given when it
 * already names a scheme (`Basic …`, `Bearer …`), else as a bearer token.
 */
export function staticCredential(token: string): Signer {
  const value = /^(bearer|basic) /i.test(token) ? token : `Bearer ${token}`
  const ready = Promise.resolve(value)
  return { credential: () => ready }
}
