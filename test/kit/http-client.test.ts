// The kit's HTTP client (kit/transport/http-client.ts) against real servers
// on loopback: the test-only echosvc on the kit's server stack, and a bare
// fastify server standing in for a peer that answers a code we do not know.
// Failures come back as the classes they left as; the request id, the trace
// context and the remaining deadline travel; a tracer sees one client span
// per call, named after the route.
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { background, type Context, derive } from '../../src/kit/context.js'
import {
  CircuitOpenError,
  DeadlineExceededError,
  KitError,
  RateLimitedError,
  UnavailableError,
} from '../../src/kit/errors.js'
import type { Kind, Tracer } from '../../src/kit/tracing.js'
import * as echosvc from '../helpers/echosvc.js'
import { freePort } from '../helpers/net.js'
import { ctx } from '../helpers/nop.js'

const servers: FastifyInstance[] = []
let url: string
let peer: string
const seen: Context[] = []
const basic = echosvc.makeBasic()
// A service middleware that records the Context each call receives on the server.
const recording: echosvc.Service = {
  echo: (c, s) => (seen.push(c), basic.echo(c, s)),
  fail: (c, code) => (seen.push(c), basic.fail(c, code)),
}

beforeAll(async () => {
  const app = await echosvc.server(echosvc.endpoints(recording))
  url = await app.listen({ host: '127.0.0.1', port: 0 })
  servers.push(app)
  const f = Fastify()
  f.get('/fail/:code', async (_req, reply) => reply.code(418).send({ error: 'short and stout', code: 'TEAPOT' }))
  f.post('/echo', async (_req, reply) => reply.code(500).type('text/html').send('<h1>proxy error</h1>'))
  peer = await f.listen({ host: '127.0.0.1', port: 0 })
  servers.push(f)
})
afterAll(async () => {
  for (const s of servers) await s.close()
})
beforeEach(() => void (seen.length = 0))

/** failure returns what a call rejected with. */
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => new Error('call succeeded'), (e: unknown) => e)

describe('failures rebuilt from the wire', () => {
  const client = () => echosvc.httpClient(url)

  it('rebuilds the kit failures as their classes, with their codes and statuses', async () => {
    const cases = [
      ['RATE_LIMITED', RateLimitedError, 429],
      ['DEADLINE_EXCEEDED', DeadlineExceededError, 504],
      ['UNAVAILABLE', UnavailableError, 503],
    ] as const
    for (const [code, cls, status] of cases) {
      const err = await failure(client().fail(ctx(), { code }))
      expect(err).toBeInstanceOf(cls)
      expect(err).toMatchObject({ code, status })
    }
    expect(seen).toHaveLength(3)
  })

  it('keeps the code and status of a kit failure it has no class for', async () => {
    const err = await failure(client().fail(ctx(), { code: 'CIRCUIT_OPEN' }))
    expect(err).not.toBeInstanceOf(CircuitOpenError)
    expect(err).toBeInstanceOf(KitError)
    expect(err).toMatchObject({ code: 'CIRCUIT_OPEN', status: 503, message: 'circuit breaker is open: echosvc.dependency' })
  })

  it('keeps an unknown code as a KitError with the code, the status and the message', async () => {
    const err = await failure(echosvc.httpClient(peer).fail(ctx(), { code: 'EMPTY' }))
    expect((err as Error).constructor).toBe(KitError)
    expect(err).toMatchObject({ code: 'TEAPOT', status: 418, message: 'short and stout' })
  })

  it('rebuilds a domain error through the service errors.fromCode, whichever method failed', async () => {
    await expect(client().echo(ctx(), { s: '' })).rejects.toBeInstanceOf(echosvc.EmptyError)
    const err = await failure(client().fail(ctx(), { code: 'EMPTY' }))
    expect(err).toBeInstanceOf(echosvc.EmptyError)
    expect(err).toMatchObject({ code: 'EMPTY', message: 'nothing to echo' })
  })

  it('answers a 5xx without a code as a 502 UPSTREAM_ERROR, and a refused connection as 503 UNAVAILABLE', async () => {
    const err = await failure(echosvc.httpClient(peer).echo(ctx(), { s: 'a' }))
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', status: 502 })
    expect((err as Error).message).toMatch(/^upstream answered 500: <h1>proxy error<\/h1>/)
    const refused = await failure(echosvc.httpClient(`http://127.0.0.1:${await freePort()}`).echo(ctx(), { s: 'a' }))
    expect(refused).toBeInstanceOf(UnavailableError)
    expect((refused as Error).message).toBe('upstream unreachable (ECONNREFUSED)')
  })
})

describe('what travels with a call', () => {
  it('sends the request id, the traceparent and the remaining deadline', async () => {
    const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const deadline = Date.now() + 3_000
    const c = derive(background('req-7'), { trace, deadline })
    expect(await echosvc.httpClient(url).echo(c, { s: 'a' })).toEqual({ v: 'a' })
    const got = seen[0]
    expect(got?.requestId).toBe('req-7')
    expect(got?.trace).toBe(trace)
    // The budget travels as milliseconds left (clocks need not agree), so the server's deadline is the caller's plus transit.
    expect(got?.deadline).toBeGreaterThanOrEqual(deadline)
    expect(got?.deadline).toBeLessThan(deadline + 1_000)
  })

  it('sends none of them when the Context has none (the server mints an id)', async () => {
    expect(await echosvc.httpClient(url).echo(background(''), { s: 'a' })).toEqual({ v: 'a' })
    expect(seen[0]?.requestId).toMatch(/^[\da-f]{12}-[\da-z]+$/)
    expect(seen[0]?.trace).toBeUndefined()
    expect(seen[0]?.deadline).toBeUndefined()
  })

  it('refuses to call with a Context already aborted, without a request', async () => {
    const ac = new AbortController()
    ac.abort(new DeadlineExceededError())
    const err = await failure(echosvc.httpClient(url).echo({ signal: ac.signal, requestId: 'r' }, { s: 'a' }))
    expect(err).toBeInstanceOf(DeadlineExceededError)
    expect(seen).toHaveLength(0)
  })
})

describe('client spans', () => {
  it('opens one client span per call, named after the route, whose context the server receives', async () => {
    const spans: { name: string; kind: Kind; traceparent: string }[] = []
    let n = 0
    // A recording Tracer: the kit's Tracer interface, standing in for OpenTelemetry.
    const recorder: Tracer = {
      enabled: true,
      run(c, name, kind, fn) {
        const traceparent = `00-${'1'.repeat(32)}-${String(++n).padStart(16, '0')}-01`
        spans.push({ name, kind, traceparent })
        return fn(derive(c, { trace: traceparent }))
      },
    }
    const client = echosvc.httpClient(url, { tracer: recorder })
    await client.echo(ctx(), { s: 'a' })
    await failure(client.fail(ctx(), { code: 'EMPTY' }))
    await client.echo(ctx(), { s: 'b' })
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['POST /echo', 'client'],
      ['GET /fail/{code}', 'client'],
      ['POST /echo', 'client'],
    ])
    expect(seen.map((c) => c.trace)).toEqual(spans.map((s) => s.traceparent))
  })
})

describe('clients', () => {
  it('dials a bare host:port as http, and refuses a scheme it has no transport for', async () => {
    const factory = echosvc.clients()
    expect(factory.schemes).toEqual(['http:', 'https:'])
    const bare = factory(url.replace(/^http:\/\//, ''))
    expect(await bare.echo(ctx(), { s: 'bare' })).toEqual({ v: 'bare' })
    expect(() => factory('grpc://127.0.0.1:1')).toThrow('echosvc client: unsupported scheme grpc: in grpc://127.0.0.1:1 (use http:, https:)')
    await factory.close()
  })
})
