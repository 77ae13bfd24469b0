/**
 * HTTP Basic authentication (Go kit's auth/basic) against users from
 * configuration. As in Go kit, the given user and password are hashed to
 * fixed-length SHA-256 digests and compared with crypto.timingSafeEqual, and
 * every configured user is compared on every call, so neither a password's
 * length nor whether a user exists shows in the response time. The claims
 * name the user as sub, which keys the per-client limit.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { basicRefusal, type Verifier } from './verifier.js'

/** BasicOptions name the protected space. */
export interface BasicOptions {
  /** realm is sent in the challenge (default "tskit"). */
  readonly realm?: string
}

const digest = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest()
const basic = /^basic +([A-Za-z0-9+/]+={0,2})$/i

/** basicVerifier returns a Verifier of `Basic <base64(user:password)>` credentials for users (user → password). */
export function basicVerifier(users: Readonly<Record<string, string>>, opts: BasicOptions = {}): Verifier {
  const realm = opts.realm ?? 'tskit'
  const table = Object.entries(users).map(([user, password]) => ({ user, userDigest: digest(user), passwordDigest: digest(password) }))
  return {
    scheme: 'basic',
    async verify(credential) {
      const encoded = credential === undefined ? undefined : basic.exec(credential)?.[1]
      if (encoded === undefined) throw basicRefusal(realm, 'missing credentials')
      const decoded = Buffer.from(encoded, 'base64')
      const colon = decoded.indexOf(':')
      if (colon < 0) throw basicRefusal(realm, 'invalid token')
      const user = digest(decoded.subarray(0, colon))
      const password = digest(decoded.subarray(colon + 1))
      let found: string | undefined
      for (const u of table) {
        // Both comparisons always run: & rather than &&.
        if (Number(timingSafeEqual(user, u.userDigest)) & Number(timingSafeEqual(password, u.passwordDigest))) found = u.user
      }
      if (found === undefined) throw basicRefusal(realm, 'invalid token')
      return { sub: found }
    },
  }
}
