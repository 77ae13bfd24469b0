// Authentication in the processes users run (src/main.ts through tsx), with
// the example policy: when JWT_SECRET is set, profilesvc's writes need a
// bearer token and its reads do not; addsvc stays open. A refused write
// writes nothing. Split: an edge (SERVICES=none, PROFILESVC_URL) with the
// same JWT_SECRET refuses an unauthenticated write before calling the
// instance and forwards an authenticated one with the caller's token; the
// instance refuses a direct unauthenticated write itself; an edge with no
// auth settings of its own still relays the caller's token, which the
// instance checks. Bad auth settings stop the process at start, naming the
// variable and never echoing a secret.
import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.js'
import { type Running, spawnMain } from '../helpers/process.js'

const secret = randomBytes(32).toString('base64url')
const token = async (sub = 'alice'): Promise<string> =>
  `Bearer ${await new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))}`

let instance: Running
let edge: Running
let relay: Running

beforeAll(async () => {
  // DATABASE_URL is cleared: CI sets it for the store suite, and this process must use its own PGlite.
  instance = await spawnMain({ JWT_SECRET: secret, DATA_DIR: 'memory://', DATABASE_URL: '' }, 60_000)
  ;[edge, relay] = await Promise.all([
    spawnMain({ SERVICES: 'none', PROFILESVC_URL: instance.url, JWT_SECRET: secret, CLIENT_RATE_LIMIT: '5' }),
    spawnMain({ SERVICES: 'none', PROFILESVC_URL: instance.url }),
  ])
}, 90_000)
afterAll(async () => {
  await Promise.all([edge?.stop('SIGKILL'), relay?.stop('SIGKILL'), instance?.stop('SIGKILL')])
})

/** call sends a JSON request and returns status, challenge and parsed body. */
async function call(base: Running, method: string, path: string, body?: unknown, authorization?: string) {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (authorization !== undefined) headers.authorization = authorization
  const res = await fetch(`${base.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as unknown }
}

const refused = { status: 401, challenge: 'Bearer realm="tskit-app"', body: { error: 'missing credentials', code: 'UNAUTHENTICATED' } }
const notFound = { status: 404, body: { error: 'not found', code: 'RECORD_NOT_FOUND' } }

describe('one process with JWT_SECRET', () => {
  it('refuses an unauthenticated write and writes nothing; accepts it with a token', async () => {
    const id = `auth-${randomBytes(4).toString('hex')}`
    expect(await call(instance, 'POST', '/profiles/', { id })).toEqual(refused)
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject(notFound)
    const bad = await call(instance, 'POST', '/profiles/', { id }, 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA')
    expect(bad).toEqual({ ...refused, challenge: 'Bearer realm="tskit-app", error="invalid_token"', body: { error: 'invalid token', code: 'UNAUTHENTICATED' } })
    expect(await call(instance, 'POST', '/profiles/', { id, name: 'Ada' }, await token())).toMatchObject({ status: 200, body: {} })
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject({ status: 200, body: { profile: { id, name: 'Ada' } } })
    expect(await call(instance, 'DELETE', `/profiles/${id}`)).toEqual(refused)
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject({ status: 200 })
  })

  it('leaves reads and addsvc open', async () => {
    expect(await call(instance, 'GET', '/profiles/nobody-here')).toMatchObject(notFound)
    expect(await call(instance, 'POST', '/sum', { a: 1, b: 2 })).toMatchObject({ status: 200, body: { v: 3 } })
  })

  it('documents the bearer scheme on the writes in /openapi.json', async () => {
    const doc = (await (await fetch(`${instance.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown }>> }
    expect(doc.paths['/profiles/']?.post?.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/profiles/{id}']?.get?.security).toBeUndefined()
    expect(doc.paths['/sum']?.post?.security).toBeUndefined()
  })
})

describe('a split with auth at every hop', () => {
  it('the edge refuses without a token, forwards with one, and the write lands on the instance', async () => {
    const id = `split-auth-${randomBytes(4).toString('hex')}`
    expect(await call(edge, 'POST', '/profiles/', { id })).toEqual(refused)
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject(notFound)
    expect(await call(edge, 'POST', '/profiles/', { id, name: 'Grace' }, await token('grace'))).toMatchObject({ status: 200, body: {} })
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject({ status: 200, body: { profile: { id, name: 'Grace' } } })
    expect(await call(edge, 'GET', `/profiles/${id}`)).toMatchObject({ status: 200 })
    expect(await call(edge, 'DELETE', `/profiles/${id}`, undefined, await token('grace'))).toMatchObject({ status: 200 })
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject(notFound)
  })

  it('the instance refuses a direct unauthenticated write', async () => {
    expect(await call(instance, 'PUT', '/profiles/direct', { id: 'direct' })).toEqual(refused)
    expect(await call(instance, 'GET', '/profiles/direct')).toMatchObject(notFound)
  })

  it('an edge without auth settings relays the caller token, and the instance decides', async () => {
    const id = `relay-${randomBytes(4).toString('hex')}`
    const without = await call(relay, 'POST', '/profiles/', { id })
    expect(without.status).toBe(401)
    expect(without.body).toEqual({ error: 'missing credentials', code: 'UNAUTHENTICATED' })
    expect(without.challenge).toMatch(/^Bearer/)
    expect(await call(relay, 'POST', '/profiles/', { id }, await token())).toMatchObject({ status: 200 })
    expect(await call(instance, 'GET', `/profiles/${id}`)).toMatchObject({ status: 200 })
  })

  it('limits one client at the edge with CLIENT_RATE_LIMIT: 429 with Retry-After', async () => {
    // 5 a second, burst 5: of 12 calls in a row, well under a second, some are refused.
    const statuses: (readonly [number, string | null])[] = []
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${edge.url}/profiles/limit-probe`)
      statuses.push([r.status, r.headers.get('retry-after')])
    }
    const limited = statuses.filter(([s]) => s === 429)
    expect(limited.length).toBeGreaterThanOrEqual(1)
    expect(statuses.filter(([s]) => s !== 429 && s !== 404)).toEqual([])
    expect(Number(limited[0]?.[1])).toBeGreaterThanOrEqual(1)
  })
})

describe('auth configuration', () => {
  const parse = (env: Record<string, string>) => parseConfig({ SERVICES: 'addsvc', ...env })
  const failure = (env: Record<string, string>): string => {
    try {
      parse(env)
    } catch (err) {
      if (err instanceof ConfigError) return err.message
      throw err
    }
    return 'no error'
  }

  it('is off by default, and defaults the algorithm to the key', () => {
    expect(parse({}).auth).toEqual({ jwt: undefined, basicUsers: undefined, sign: undefined, clientRateLimit: undefined })
    expect(parse({ JWT_SECRET: secret }).auth.jwt?.algorithms).toEqual(['HS256'])
    expect(parse({ JWT_SECRET: secret }).auth.sign).toEqual({ secret, algorithm: 'HS256' })
    expect(parse({ JWT_JWKS_URL: 'http://127.0.0.1:1/jwks.json' }).auth.jwt?.algorithms).toEqual(['RS256'])
    expect(parse({ BASIC_AUTH_USERS: 'alice:wonder:land,bob:builder' }).auth.basicUsers).toEqual({ alice: 'wonder:land', bob: 'builder' })
    expect(parse({ CLIENT_TOKEN: 'abc', CLIENT_RATE_LIMIT: '50' }).auth).toMatchObject({ sign: { token: 'abc' }, clientRateLimit: 50 })
    expect(parse({ HOST: '0.0.0.0' }).adminHost).toBe('0.0.0.0')
    expect(parse({ HOST: '0.0.0.0', ADMIN_HOST: '127.0.0.1' }).adminHost).toBe('127.0.0.1')
  })

  it('refuses none, an algorithm no key can verify, short secrets and bad users, never echoing a secret', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ JWT_SECRET: secret, JWT_ALGORITHMS: 'none' }, /^JWT_ALGORITHMS="none" is invalid: .*none is never accepted/],
      [{ JWT_SECRET: secret, JWT_ALGORITHMS: 'HS256,RS256' }, /^JWT_ALGORITHMS="HS256,RS256" is invalid: RS256 needs JWT_JWKS_URL/],
      [{ JWT_JWKS_URL: 'http://127.0.0.1:1/jwks', JWT_ALGORITHMS: 'HS256' }, /^JWT_ALGORITHMS="HS256" is invalid: HS256 needs JWT_SECRET/],
      [{ JWT_SECRET: 'short-secret' }, /^JWT_SECRET="\(hidden\)" is invalid: at least 32 bytes/],
      [{ JWT_PUBLIC_KEY: 'not a pem' }, /^JWT_PUBLIC_KEY=.* is invalid: a PEM public key/],
      [{ JWT_JWKS_URL: 'ftp://keys' }, /^JWT_JWKS_URL="ftp:\/\/keys" is invalid/],
      [{ JWT_ISSUER: 'https://issuer.test' }, /^JWT_ISSUER=.* is invalid: needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL/],
      [{ BASIC_AUTH_USERS: 'alice:secret-pw,bob' }, /^BASIC_AUTH_USERS="\(hidden\)" is invalid: comma-separated user:password/],
      [{ BASIC_AUTH_USERS: 'alice:secret-pw', JWT_SECRET: secret }, /^BASIC_AUTH_USERS="\(hidden\)" is invalid: not together with/],
      [{ CLIENT_TOKEN: 'two words here' }, /^CLIENT_TOKEN="\(hidden\)" is invalid/],
      [{ CLIENT_RATE_LIMIT: 'lots' }, /^CLIENT_RATE_LIMIT="lots" is invalid/],
    ]
    for (const [env, message] of cases) {
      const m = failure(env)
      expect(m, JSON.stringify(env)).toMatch(message)
      expect(m).not.toContain(secret)
      expect(m).not.toContain('secret-pw')
    }
  })

  it('stops the process at start with exit 2, naming the variable', async () => {
    const err = await spawnMain({ SERVICES: 'addsvc', JWT_SECRET: 'too-short-a-secret' }).then(
      () => 'started',
      (e: unknown) => (e as Error).message,
    )
    expect(err).toMatch(/exited with 2 before ready/)
    expect(err).toMatch(/JWT_SECRET="\(hidden\)" is invalid: at least 32 bytes/)
    expect(err).not.toContain('too-short-a-secret')
  })
})
