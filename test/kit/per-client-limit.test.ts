// The per-client limit (middleware/rate-limit.ts perClient): one token bucket
// per client, keyed by its authenticated subject, else its address; a 429
// with Retry-After through a real HTTP server (the test-only echo service);
// and a key table that stays bounded, forgetting the least recently seen
// client, however many distinct keys arrive.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as kitauth from '../../src/kit/auth/index.js'
import { background, type Claims, derive } from '../../src/kit/context.js'
import { RateLimitedError } from '../../src/kit/errors.js'
import * as mw from '../../src/middleware/index.js'
import * as echo from '../helpers/echo-service.js'

const as = (sub?: string, peer?: string) =>
  derive(background(), { ...(sub === undefined ? {} : { claims: { sub } satisfies Claims }), ...(peer === undefined ? {} : { peer }) })
const refusal = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e)

describe('perClient', () => {
  it('gives each subject its own bucket, and tells a refused one when to retry', async () => {
    let t = 0
    const limited = mw.perClient(2, { now: () => t })(async () => 'ok')
    expect([await limited(as('alice'), {}), await limited(as('alice'), {})]).toEqual(['ok', 'ok'])
    const err = await refusal(limited(as('alice'), {}))
    expect(err).toBeInstanceOf(RateLimitedError)
    expect((err as RateLimitedError).retryAfterMs).toBe(500)
    expect(await limited(as('bob'), {})).toBe('ok')
    t = 500
    expect(await limited(as('alice'), {})).toBe('ok')
  })

  it('lets a call with neither subject nor address through, rather than pooling such callers', async () => {
    const limited = mw.perClient(1, { now: () => 0 })(async () => 'ok')
    for (let i = 0; i < 5; i++) expect(await limited(as(), {})).toBe('ok')
  })

  it('keys by subject before address, and by address when unauthenticated', () => {
    expect(mw.clientKeyOf(as('alice', '10.0.0.1'))).toBe('sub:alice')
    expect(mw.clientKeyOf(as(undefined, '10.0.0.1'))).toBe('peer:10.0.0.1')
    expect(mw.clientKeyOf(as())).toBeUndefined()
    // A subject spelled like an address is still a different client.
    expect(mw.clientKeyOf(as('10.0.0.1'))).not.toBe(mw.clientKeyOf(as(undefined, '10.0.0.1')))
  })

  it('keeps the key table at most maxKeys under 100 000 distinct keys, forgetting the least recently seen', async () => {
    const limit = mw.perClient(1, { maxKeys: 1_000, now: () => 0 })
    const limited = limit(async () => 'ok')
    await limited(as('regular'), {})
    const started = performance.now()
    let largest = 0
    for (let i = 0; i < 100_000; i++) {
      await limited(as(`flood-${i}`), {})
      if (i % 500 === 0) await refusal(limited(as('regular'), {})) // seen often: never forgotten
      largest = Math.max(largest, limit.size())
    }
    const took = performance.now() - started
    expect(largest).toBe(1_000)
    expect(limit.size()).toBe(1_000)
    // regular's bucket survived the flood: still empty, so still refused.
    expect(await refusal(limited(as('regular'), {}))).toBeInstanceOf(RateLimitedError)
    // flood-0 was forgotten long ago: it comes back with a full bucket.
    expect(await limited(as('flood-0'), {})).toBe('ok')
    console.info(`perClient: 100 000 distinct keys in ${took.toFixed(0)} ms, table ${limit.size()} keys`)
  })

  it('refuses a nonsensical policy at construction', () => {
    expect(() => mw.perClient(0)).toThrow(RangeError)
    expect(() => mw.perClient(1, { maxKeys: 0 })).toThrow(RangeError)
  })
})

describe('perClient over HTTP', () => {
  const secret = randomBytes(32).toString('base64url')
  const token = (sub: string) =>
    new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))
  const svc = echo.echo({
    auth: { write: mw.authenticate(kitauth.jwtVerifier({ secret, algorithms: ['HS256'] })) },
    clientLimit: mw.perClient(2),
  })
  let app: FastifyInstance
  beforeAll(async () => {
    app = await echo.httpServer(svc.endpoints)
  })
  afterAll(() => app.close())
  const post = async (path: string, authorization?: string) => {
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: '{"msg":"hi"}',
    })
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> }
  }

  it('limits an anonymous client by its address with 429 and Retry-After', async () => {
    expect((await post('/read')).status).toBe(200)
    expect((await post('/read')).status).toBe(200)
    expect(await post('/read')).toEqual({ status: 429, retryAfter: '1', body: { error: 'rate limit exceeded', code: 'RATE_LIMITED' } })
    expect(svc.calls.read).toBe(2)
  })

  it('gives two authenticated subjects on the same address separate buckets', async () => {
    const [carol, dave] = [`Bearer ${await token('carol')}`, `Bearer ${await token('dave')}`]
    expect([(await post('/write', carol)).status, (await post('/write', carol)).status, (await post('/write', carol)).status]).toEqual([200, 200, 429])
    expect([(await post('/write', dave)).status, (await post('/write', dave)).status]).toEqual([200, 200])
    expect(svc.calls.write).toBe(4)
  })
})
