/**
 * JWT authentication (Go kit's auth/jwt), adapted from jose rather than
 * written by hand. jwtVerifier checks a bearer token's signature with a key
 * chosen by configuration (an HMAC secret, a PEM public key, or a JWK Set
 * fetched from a URL, cached, and fetched again when a token names a kid it
 * does not hold), with the algorithms pinned by configuration: a token's own
 * `alg` only selects among them, so `none` and algorithm confusion (an RSA
 * public key used as an HMAC secret) are refused. exp is required; exp and
 * nbf allow a small clock skew; iss and aud are checked when configured. A
 * refused token learns only "invalid token" or "token expired". A JWK Set
 * that cannot be fetched is our outage, not the caller's fault: 503.
 *
 * jwtSigner is the client side: it mints short-lived HS* tokens and reuses
 * each until half its lifetime has passed, so calls do not sign one each.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import type * as Jose from 'jose'
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose'
import type { Claims } from '../context.js'
import { UnavailableError } from '../errors.js'
import { bearerRefusal, bearerToken, type Signer, type Verifier } from './verifier.js'

/** JwtVerifierOptions say which keys and algorithms a token may use and which claims it must carry. */
export interface JwtVerifierOptions {
  /** secret is the shared key for HS256, HS384 and HS512. */
  readonly secret?: string | undefined
  /** publicKey is a PEM (SPKI) public key for RS*, PS*, ES* or EdDSA. */
  readonly publicKey?: string | undefined
  /** jwksUrl serves the public keys as a JWK Set, picked by the token's kid. */
  readonly jwksUrl?: string | undefined
  /** algorithms are the only `alg` values accepted. */
  readonly algorithms: readonly string[]
  readonly issuer?: string | undefined
  /** audience is accepted when the token's aud contains any of these. */
  readonly audience?: string | readonly string[] | undefined
  /** clockToleranceSec is the clock skew allowed on exp and nbf (default 30). */
  readonly clockToleranceSec?: number
  /** realm names the protected space in WWW-Authenticate (default "tskit"). */
  readonly realm?: string
  /** jwksCooldownMs is the least time between fetches of the JWK Set caused by unknown kids (default 30 000). */
  readonly jwksCooldownMs?: number
}

// jose is imported on first use: a process that checks no JWT never loads its
// 46 modules (about 50 ms of every start-up).
let loading: Promise<typeof Jose> | undefined
/** jose loads the jose module once. */
const jose = (): Promise<typeof Jose> => (loading ??= import('jose'))

/** fits reports whether a public key can check signatures of alg (jose refuses the rest too; this picks the key). */
function fits(key: KeyObject, alg: string): boolean {
  const type = key.asymmetricKeyType
  if (alg.startsWith('RS') || alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss'
  if (alg.startsWith('ES')) return type === 'ec'
  return (alg === 'EdDSA' || alg === 'Ed25519') && type === 'ed25519'
}

/** Keys are the verifier's own keys, read when it is made, so that a bad one fails at start-up. */
interface Keys {
  readonly secret: Uint8Array | undefined
  readonly publicKey: KeyObject | undefined
}

/** keyResolver picks the key for a token's (already allowed) alg: the secret, the public key, or the JWK Set. */
function keyResolver(opts: JwtVerifierOptions, { secret, publicKey }: Keys, { createRemoteJWKSet, errors }: typeof Jose): JWTVerifyGetKey {
  const jwks = opts.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: opts.jwksCooldownMs ?? 30_000 })
  return async (header, token) => {
    if (header.alg.startsWith('HS')) {
      if (secret) return secret
    } else if (publicKey && fits(publicKey, header.alg)) {
      return publicKey
    } else if (jwks) {
      try {
        return await jwks(header, token)
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err
        throw new UnavailableError('signing keys unavailable', { cause: err })
      }
    }
    throw new errors.JOSEAlgNotAllowed('no key for this algorithm')
  }
}

/** jwtVerifier returns a Verifier of `Bearer <JWT>` credentials; the claims are the token's payload. */
export function jwtVerifier(opts: JwtVerifierOptions): Verifier {
  const realm = opts.realm ?? 'tskit'
  const keys: Keys = {
    secret: opts.secret === undefined ? undefined : new TextEncoder().encode(opts.secret),
    publicKey: opts.publicKey === undefined ? undefined : createPublicKey(opts.publicKey),
  }
  let ready: Promise<{ readonly j: typeof Jose; readonly getKey: JWTVerifyGetKey }> | undefined
  const load = () => (ready ??= jose().then((j) => ({ j, getKey: keyResolver(opts, keys, j) })))
  const options: JWTVerifyOptions = {
    algorithms: [...opts.algorithms],
    clockTolerance: opts.clockToleranceSec ?? 30,
    requiredClaims: ['exp'],
    ...(opts.issuer === undefined ? {} : { issuer: opts.issuer }),
    ...(opts.audience === undefined ? {} : { audience: typeof opts.audience === 'string' ? opts.audience : [...opts.audience] }),
  }
  return {
    scheme: 'bearer',
    async verify(credential) {
      const token = bearerToken(credential)
      if (token === undefined) throw bearerRefusal(realm, 'missing credentials')
      const { j, getKey } = await load()
      let payload: Record<string, unknown>
      try {
        payload = (await j.jwtVerify(token, getKey, options)).payload
      } catch (err) {
        if (err instanceof UnavailableError) throw err
        throw bearerRefusal(realm, err instanceof j.errors.JWTExpired ? 'token expired' : 'invalid token')
      }
      if (payload.sub !== undefined && typeof payload.sub !== 'string') throw bearerRefusal(realm, 'invalid token')
      return payload as Claims
    },
  }
}

/** JwtSignerOptions describe the tokens a client mints for itself. */
export interface JwtSignerOptions {
  readonly secret: string
  /** algorithm is the HMAC algorithm (default HS256). */
  readonly algorithm?: 'HS256' | 'HS384' | 'HS512'
  /** ttlSec is each token's lifetime (default 60). */
  readonly ttlSec?: number
  /** subject is the sub claim: who is calling (e.g. the application's name). */
  readonly subject: string
  readonly issuer?: string | undefined
  readonly audience?: string | readonly string[] | undefined
  /** now is the clock in epoch milliseconds (default Date.now), for tests. */
  readonly now?: () => number
}

/** jwtSigner returns a Signer minting `Bearer <JWT>` credentials, each reused until half its lifetime is gone. */
export function jwtSigner(opts: JwtSignerOptions): Signer {
  const key = new TextEncoder().encode(opts.secret)
  const ttl = opts.ttlSec ?? 60
  const now = opts.now ?? Date.now
  let cached: { readonly value: Promise<string>; readonly renewAt: number } | undefined
  const mint = async (at: number): Promise<string> => {
    const { SignJWT } = await jose()
    const iat = Math.floor(at / 1000)
    const jwt = new SignJWT({}).setProtectedHeader({ alg: opts.algorithm ?? 'HS256', typ: 'JWT' }).setSubject(opts.subject).setIssuedAt(iat).setExpirationTime(iat + ttl)
    if (opts.issuer !== undefined) jwt.setIssuer(opts.issuer)
    if (opts.audience !== undefined) jwt.setAudience(typeof opts.audience === 'string' ? opts.audience : [...opts.audience])
    return jwt.sign(key).then((token) => `Bearer ${token}`)
  }
  return {
    credential() {
      const at = now()
      if (cached === undefined || at >= cached.renewAt) {
        const value = mint(at)
        const entry = { value, renewAt: at + (ttl * 1000) / 2 }
        cached = entry
        value.catch(() => {
          if (cached === entry) cached = undefined
        })
      }
      return cached.value
    },
  }
}
