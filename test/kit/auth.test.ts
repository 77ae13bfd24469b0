// Authentication through real servers on loopback, with the test-only echo
// service (test/helpers/echo-service.ts): its write method needs a credential,
// its read method does not. Every refused call is answered before the service
// runs (the call counters stay put), over HTTP (401 + WWW-Authenticate),
// gRPC (UNAUTHENTICATED), JSON-RPC (-32001, code and status 401 in data) and
// NATS (a 401 reply; skipped, saying so, when no NATS server answers on
// 4222). Tokens come from jose itself or from the kit's signer; JWK Sets are
// served by a node:http server of the test's own, rotated mid-test.
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import * as grpc from '@grpc/grpc-js'
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { FastifyInstance } from 'fastify'
import { exportJWK, type JWK, type JWTPayload, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as kitauth from '../../src/kit/auth/index.js'
import { background, derive } from '../../src/kit/context.js'
import { UnauthenticatedError, UnavailableError } from '../../src/kit/errors.js'
import * as kitgrpcc from '../../src/kit/transport/grpc-client.js'
import * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import * as kithttpc from '../../src/kit/transport/http-client.js'
import * as kitjsonrpcc from '../../src/kit/transport/jsonrpc-client.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as kitnatsc from '../../src/kit/transport/nats-client.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
import * as mw from '../../src/middleware/index.js'
import * as echo from '../helpers/echo-service.js'
import { answers } from '../helpers/net.js'

const secret = randomBytes(32).toString('base64url')
const key = new TextEncoder().encode(secret)
const now = (): number => Math.floor(Date.now() / 1000)
const noDomainErrors = (): undefined => undefined

/** hs256 mints a token with the test's secret; a claim given as undefined is left out. */
function hs256(claims: Readonly<Record<string, unknown>> = {}, alg = 'HS256', k: Uint8Array = key): Promise<string> {
  const payload = Object.fromEntries(Object.entries({ sub: 'alice', exp: now() + 60, ...claims }).filter(([, v]) => v !== undefined))
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(k)
}

/** unsigned builds an `alg: none` token by hand: jose refuses to make one. */
function unsigned(claims: JWTPayload): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}

const realm = 'echo-test'
const jwt = kitauth.jwtVerifier({ secret, algorithms: ['HS256'], issuer: 'https://issuer.test', audience: 'echo', realm })
const strict = (claims: Readonly<Record<string, unknown>> = {}): Promise<string> => hs256({ iss: 'https://issuer.test', aud: 'echo', ...claims })

let app: FastifyInstance
const svc = echo.echo({ auth: { write: mw.authenticate(jwt) } })

/** post calls the HTTP echo server and returns status, the challenge and the body. */
async function post(path: string, authorization?: string) {
  const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ msg: 'hi' }),
  })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as Record<string, unknown> }
}

beforeAll(async () => {
  app = await echo.httpServer(svc.endpoints, { write: ['bearerAuth'] })
})
afterAll(() => app.close())

describe('JWT over HTTP', () => {
  it('refuses a missing, invalid, expired, wrong-alg, alg:none, wrong iss or aud token with 401 before the service runs', async () => {
    const bad: [string | undefined, string][] = [
      [undefined, 'missing credentials'],
      ['Basic YWxpY2U6d29uZGVybGFuZA==', 'missing credentials'],
      ['Bearer not.a.jwt', 'invalid token'],
      [`Bearer ${await hs256({ iss: 'https://issuer.test', aud: 'echo' }, 'HS256', randomBytes(32))}`, 'invalid token'],
      [`Bearer ${await strict({ exp: now() - 120 })}`, 'token expired'],
      [`Bearer ${await strict({ nbf: now() + 120 })}`, 'invalid token'],
      [`Bearer ${await hs256({ iss: 'https://issuer.test', aud: 'echo' }, 'HS512')}`, 'invalid token'],
      [`Bearer ${unsigned({ sub: 'mallory', iss: 'https://issuer.test', aud: 'echo', exp: now() + 60 })}`, 'invalid token'],
      [`Bearer ${await strict({ iss: 'https://evil.test' })}`, 'invalid token'],
      [`Bearer ${await strict({ aud: 'other' })}`, 'invalid token'],
      [`Bearer ${await strict({ exp: undefined })}`, 'invalid token'],
      [`Bearer ${await strict({ sub: 42 })}`, 'invalid token'],
    ]
    for (const [authorization, reason] of bad) {
      const res = await post('/write', authorization)
      expect(res, String(authorization)).toEqual({
        status: 401,
        challenge: reason === 'missing credentials' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`,
        body: { error: reason, code: 'UNAUTHENTICATED' },
      })
    }
    expect(svc.calls.write).toBe(0)
  })

  it('accepts a valid token, within the clock skew, and hands its claims to the service', async () => {
    expect(await post('/write', `Bearer ${await strict()}`)).toMatchObject({ status: 200, body: { msg: 'hi', sub: 'alice', peer: '127.0.0.1' } })
    expect(await post('/write', `bearer ${await strict({ exp: now() - 10, sub: 'bob' })}`)).toMatchObject({ status: 200, body: { sub: 'bob' } })
    expect(svc.calls.write).toBe(2)
  })

  it('leaves the open method open, and never verifies a credential sent to it', async () => {
    const before = svc.calls.read
    expect(await post('/read')).toMatchObject({ status: 200, body: { sub: '' } })
    expect(await post('/read', 'Bearer garbage')).toMatchObject({ status: 200, body: { sub: '' } })
    expect(svc.calls.read).toBe(before + 2)
  })

  it('documents the bearer scheme and the guarded route in OpenAPI, so /docs offers Authorize', async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, unknown> }
      paths: Record<string, { post: { security?: unknown } }>
    }
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    expect(doc.paths['/write']?.post.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/read']?.post.security).toBeUndefined()
  })
})

describe('JWT with public keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()

  it('verifies RS256 with a PEM key and refuses the same key used as an HMAC secret (algorithm confusion)', async () => {
    const v = kitauth.jwtVerifier({ publicKey: pem, algorithms: ['RS256'] })
    const good = await new SignJWT({ sub: 'carol', exp: now() + 60 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey)
    expect((await v.verify(`Bearer ${good}`)).sub).toBe('carol')
    // Forge: HS256 over header.payload with the public PEM as the MAC key.
    const head = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')
    const body = Buffer.from(JSON.stringify({ sub: 'mallory', exp: now() + 60 })).toString('base64url')
    const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url')
    await expect(v.verify(`Bearer ${head}.${body}.${mac}`)).rejects.toMatchObject({ message: 'invalid token', status: 401 })
    // Even with HS256 allowed, an RSA-key verifier has no secret to check it with.
    const both = kitauth.jwtVerifier({ publicKey: pem, algorithms: ['RS256', 'HS256'] })
    await expect(both.verify(`Bearer ${head}.${body}.${mac}`)).rejects.toMatchObject({ message: 'invalid token' })
  })

  describe('from a JWK Set that rotates', () => {
    let jwks: Server
    let fetches = 0
    let served: JWK[] = []
    const a = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const b = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const es256 = (k: typeof a, kid: string, sub: string) =>
      new SignJWT({ sub, exp: now() + 60 }).setProtectedHeader({ alg: 'ES256', kid }).sign(k.privateKey)
    beforeAll(async () => {
      served = [{ ...(await exportJWK(a.publicKey)), kid: 'a', alg: 'ES256', use: 'sig' }]
      jwks = createServer((_req, res) => {
        fetches++
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }))
      })
      jwks.listen(0, '127.0.0.1')
      await once(jwks, 'listening')
    })
    afterAll(() => jwks.close())

    it('fetches once, caches, and fetches again when a token names an unknown kid', async () => {
      const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`
      const v = kitauth.jwtVerifier({ jwksUrl: url, algorithms: ['ES256'], jwksCooldownMs: 0 })
      expect((await v.verify(`Bearer ${await es256(a, 'a', 'dave')}`)).sub).toBe('dave')
      expect((await v.verify(`Bearer ${await es256(a, 'a', 'dave')}`)).sub).toBe('dave')
      expect(fetches).toBe(1)
      served = [...served, { ...(await exportJWK(b.publicKey)), kid: 'b', alg: 'ES256', use: 'sig' }]
      expect((await v.verify(`Bearer ${await es256(b, 'b', 'erin')}`)).sub).toBe('erin')
      expect(fetches).toBe(2)
      // A kid that no key has is an invalid token, not an outage.
      await expect(v.verify(`Bearer ${await es256(b, 'nope', 'erin')}`)).rejects.toMatchObject({ message: 'invalid token', status: 401 })
      // A key signed with a's private key but claiming b's kid fails its signature.
      await expect(v.verify(`Bearer ${await es256(a, 'b', 'mallory')}`)).rejects.toMatchObject({ message: 'invalid token' })
    })

    it('answers 503, not 401 or 500, when the JWK Set cannot be fetched', async () => {
      const closed = createServer()
      closed.listen(0, '127.0.0.1')
      await once(closed, 'listening')
      const port = (closed.address() as { port: number }).port
      closed.close()
      const v = kitauth.jwtVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['ES256'] })
      await expect(v.verify(`Bearer ${await es256(a, 'a', 'dave')}`)).rejects.toBeInstanceOf(UnavailableError)
    })
  })
})

describe('Basic', () => {
  const basic = kitauth.basicVerifier({ alice: 'wonderland', bob: 'builder' }, { realm })
  const b64 = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`
  let server: FastifyInstance
  const guarded = echo.echo({ auth: { write: mw.authenticate(basic) } })
  beforeAll(async () => {
    server = await echo.httpServer(guarded.endpoints, { write: ['basicAuth'] })
  })
  afterAll(() => server.close())
  const call = async (authorization?: string) => {
    const res = await fetch(`http://127.0.0.1:${(server.server.address() as { port: number }).port}/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: '{"msg":"hi"}',
    })
    return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as Record<string, unknown> }
  }

  it('admits a configured user and password, naming the user as sub', async () => {
    expect(await call(b64('bob:builder'))).toMatchObject({ status: 200, body: { sub: 'bob' } })
    expect(guarded.calls.write).toBe(1)
  })

  it("refuses a wrong password, an unknown user, a missing or malformed credential with Go kit's Basic challenge", async () => {
    for (const authorization of [b64('alice:wrong'), b64('mallory:wonderland'), b64('alicewonderland'), 'Basic !!!', undefined]) {
      const res = await call(authorization)
      expect(res.status).toBe(401)
      expect(res.challenge).toBe(`Basic realm="${realm}", charset="UTF-8"`)
      expect(res.body.code).toBe('UNAUTHENTICATED')
    }
    expect(guarded.calls.write).toBe(1)
  })
})

describe('the signer', () => {
  it("mints tokens the verifier accepts, reused until half their lifetime, then renewed", async () => {
    let t = Date.now()
    const signer = kitauth.jwtSigner({ secret, subject: 'edge', ttlSec: 60, issuer: 'https://issuer.test', audience: 'echo', now: () => t })
    const first = await signer.credential()
    expect(await signer.credential()).toBe(first)
    expect((await jwt.verify(first)).sub).toBe('edge')
    t += 31_000
    const second = await signer.credential()
    expect(second).not.toBe(first)
    expect((await jwt.verify(second)).sub).toBe('edge')
  })

  it("sends the signer's credential through the kit's HTTP client, and relays a caller's own instead", async () => {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const write = kithttpc.client<echo.EchoRequest, echo.EchoResponse>({ method: 'POST', url: new URL('/write', base), decodeError: noDomainErrors })
    const signed = mw.sign(kitauth.jwtSigner({ secret, subject: 'edge', issuer: 'https://issuer.test', audience: 'echo' }))(write)
    expect((await signed(background(), { msg: 'x' })).sub).toBe('edge')
    const caller = derive(background(), { credential: `Bearer ${await strict({ sub: 'frank' })}` })
    expect((await signed(caller, { msg: 'x' })).sub).toBe('frank')
    const refused = await write(background(), { msg: 'x' }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(UnauthenticatedError)
    expect((refused as UnauthenticatedError).message).toBe('missing credentials')
  })

  it('sends a static token as given, or as a bearer token', async () => {
    expect(await kitauth.staticCredential('abc').credential()).toBe('Bearer abc')
    expect(await kitauth.staticCredential('Basic YTpi').credential()).toBe('Basic YTpi')
  })
})

describe('JWT over gRPC', () => {
  const guarded = echo.echo({ auth: { write: mw.authenticate(jwt) } })
  let server: grpc.Server
  let channel: grpc.Client
  beforeAll(async () => {
    const s = await echo.grpcServer(guarded.endpoints)
    server = s.server
    channel = new grpc.Client(`127.0.0.1:${s.port}`, grpc.credentials.createInsecure())
  })
  afterAll(async () => {
    channel.close()
    await kitgrpc.shutdown(server, 100)
  })
  const client = () =>
    kitgrpcc.unary<echo.EchoRequest, echo.EchoResponse, echo.EchoRequest, echo.EchoResponse>({
      channel,
      method: echo.grpcDefinition.Write,
      encode: (r) => r,
      decode: (r) => r,
      decodeError: noDomainErrors,
    })

  it('answers UNAUTHENTICATED with the reason, rebuilt as UnauthenticatedError, before the service runs', async () => {
    const raw = await new Promise<grpc.ServiceError>((resolve) =>
      channel.makeUnaryRequest(echo.grpcDefinition.Write.path, echo.grpcDefinition.Write.requestSerialize, (b) => b, { msg: 'x' }, (err) => resolve(err as grpc.ServiceError)),
    )
    expect(raw.code).toBe(grpc.status.UNAUTHENTICATED)
    expect(raw.details).toBe('missing credentials')
    expect(raw.metadata.get(kitgrpc.errorCodeKey)).toEqual(['UNAUTHENTICATED'])
    const err = await client()(background(), { msg: 'x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnauthenticatedError)
    const expired = derive(background(), { credential: `Bearer ${await strict({ exp: now() - 120 })}` })
    expect(await client()(expired, { msg: 'x' }).catch((e: unknown) => (e as Error).message)).toBe('token expired')
    expect(guarded.calls.write).toBe(0)
  })

  it('carries ctx.credential as authorization metadata; the claims and the peer reach the service', async () => {
    const ctx = derive(background(), { credential: `Bearer ${await strict({ sub: 'grace' })}` })
    expect(await client()(ctx, { msg: 'x' })).toEqual({ msg: 'x', sub: 'grace', peer: '127.0.0.1' })
    expect(guarded.calls.write).toBe(1)
  })
})

describe('JWT over JSON-RPC', () => {
  const guarded = echo.echo({ auth: { write: mw.authenticate(jwt) } })
  let server: Awaited<ReturnType<typeof echo.jsonrpcServer>>
  beforeAll(async () => {
    server = await echo.jsonrpcServer(guarded.endpoints)
  })
  afterAll(() => kitjsonrpc.close(server.server))
  const url = () => new URL(`http://127.0.0.1:${server.port}/`)

  it('answers a JSON-RPC error with code UNAUTHENTICATED and status 401 in data, before the service runs', async () => {
    const res = await fetch(url(), { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', method: 'write', params: { msg: 'x' }, id: 1 }) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: kitjsonrpc.ErrorCodes.KitError, message: 'missing credentials', data: { code: 'UNAUTHENTICATED', status: 401 } },
      id: 1,
    })
    const client = kitjsonrpcc.client<echo.EchoRequest, echo.EchoResponse>({ url: url(), method: 'write', decodeError: noDomainErrors })
    expect(await client(background(), { msg: 'x' }).catch((e: unknown) => e)).toBeInstanceOf(UnauthenticatedError)
    expect(guarded.calls.write).toBe(0)
  })

  it('reads the Authorization header; the client sends ctx.credential', async () => {
    const client = kitjsonrpcc.client<echo.EchoRequest, echo.EchoResponse>({ url: url(), method: 'write', decodeError: noDomainErrors })
    const ctx = derive(background(), { credential: `Bearer ${await strict({ sub: 'heidi' })}` })
    expect(await client(ctx, { msg: 'x' })).toEqual({ msg: 'x', sub: 'heidi', peer: '127.0.0.1' })
  })
})

const natsUp = await answers(4222)
if (!natsUp) console.warn('auth.test.ts: NATS cases SKIPPED, no NATS server answers on 127.0.0.1:4222')

describe.skipIf(!natsUp)('JWT over NATS', () => {
  const guarded = echo.echo({ auth: { write: mw.authenticate(jwt) } })
  const prefix = `echo-auth-${randomUUID().slice(0, 8)}`
  let nc: NatsConnection
  let subs: Subscription[] = []
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' })
    subs = kitnats.subscribe(nc, prefix, echo.natsHandlers(guarded.endpoints))
    await nc.flush()
  })
  afterAll(async () => {
    await kitnats.drain(subs)
    await nc?.drain()
  })

  it('replies 401 with {error, code} before the service runs, rebuilt as UnauthenticatedError', async () => {
    const m = await nc.request(`${prefix}.write`, '{"msg":"x"}', { timeout: 2_000 })
    expect(m.headers?.get(kitnats.errorCodeHeader)).toBe('401')
    expect(JSON.parse(m.string())).toEqual({ error: 'missing credentials', code: 'UNAUTHENTICATED' })
    const client = kitnatsc.client<echo.EchoRequest, echo.EchoResponse>({ nc, subject: `${prefix}.write`, decodeError: noDomainErrors })
    expect(await client(background(), { msg: 'x' }).catch((e: unknown) => e)).toBeInstanceOf(UnauthenticatedError)
    expect(guarded.calls.write).toBe(0)
  })

  it('reads the Authorization header in any case; the client sends ctx.credential', async () => {
    const h = headers()
    h.set('authorization', `Bearer ${await strict({ sub: 'ivan' })}`)
    const m = await nc.request(`${prefix}.write`, '{"msg":"x"}', { timeout: 2_000, headers: h })
    expect(JSON.parse(m.string())).toMatchObject({ sub: 'ivan' })
    const client = kitnatsc.client<echo.EchoRequest, echo.EchoResponse>({ nc, subject: `${prefix}.write`, decodeError: noDomainErrors })
    const ctx = derive(background(), { credential: `Bearer ${await strict({ sub: 'judy' })}` })
    expect(await client(ctx, { msg: 'x' })).toMatchObject({ sub: 'judy', peer: '' })
    expect(guarded.calls.write).toBe(2)
  })
})
