// The listener limits of the kit's public HTTP app (http-app.ts's
// listenerFactory) through raw sockets against a real server serving the
// test-only echosvc: oversize and too many headers are 431, a client
// trickling its headers (slow loris) or its body is cut off after
// HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS while others are served, idle
// keep-alive connections close after KEEP_ALIVE_TIMEOUT_MS, a route's own
// bodyLimit is 413 below the app's, no x-powered-by, and CORS is off unless
// origins are configured. The admin listener gets the same limits. The
// variables' bad values stop parseConfig with a ConfigError naming them.
import { connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { adminApp } from '../../src/kit/transport/admin.js'
import { defaultLimits, httpApp, type ListenerLimits } from '../../src/kit/transport/http-app.js'
import * as kithttp from '../../src/kit/transport/http-server.js'
import * as echosvc from '../helpers/echosvc.js'
import { log } from '../helpers/nop.js'

const limits: ListenerLimits = { maxHeaderBytes: 2_048, maxHeadersCount: 20, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_500 }

/** serve starts echosvc on the kit's app with limits, echo's body capped at 64 bytes by its route (the app allows 1024). */
async function serve(corsOrigins?: readonly string[]): Promise<{ app: FastifyInstance; port: number; url: string }> {
  const app = await httpApp({ log, bodyLimit: 1024, title: 'echosvc', version: '0', docs: false, limits, ...(corsOrigins && { corsOrigins }) })
  const routes = { ...echosvc.routes, echo: { ...echosvc.routes.echo, bodyLimit: 64 } }
  await app.register(kithttp.plugin('echosvc', routes, echosvc.endpoints(), { statusByCode: echosvc.statusByCode, log }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return { app, port, url: `http://127.0.0.1:${port}` }
}

/** Exchange is what one raw connection saw: the bytes the server sent, and when it closed (ms after opening), if it did. */
interface Exchange {
  readonly socket: Socket
  text(): string
  readonly closed: Promise<number>
}

/** open connects a raw socket, writes head, and records the server's bytes and the moment it closes the connection. */
function open(port: number, head = ''): Exchange {
  const started = Date.now()
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (d: Buffer) => (text += d.toString()))
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)))
  if (head !== '') socket.write(head)
  return { socket, text: () => text, closed }
}

/** trickle writes one byte of bytes every ms until the socket closes; stop ends it early. */
function trickle(socket: Socket, bytes: string, ms: number): () => void {
  let i = 0
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return clearInterval(timer)
    socket.write(bytes[i++] ?? '')
  }, ms)
  socket.once('close', () => clearInterval(timer))
  return () => clearInterval(timer)
}

const echo = (body = '{"s":"a"}') =>
  `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`

/** echoed sends one normal request and returns its status: the server still serves others. */
async function echoed(url: string): Promise<number> {
  const res = await request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"s":"ok"}' })
  await res.body.text()
  return res.statusCode
}

describe('listener limits', () => {
  let srv: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => void (srv = await serve()))
  afterAll(() => srv.app.close())

  it('answers headers larger than maxHeaderBytes with 431 and closes, and keeps serving', async () => {
    const c = open(srv.port, `GET /fail/EMPTY HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(3_000)}\r\n\r\n`)
    await c.closed
    expect(c.text()).toMatch(/^HTTP\/1\.1 431 /)
    expect(await echoed(srv.url)).toBe(200)
  })

  it('answers more than maxHeadersCount header fields with 431 and closes, but serves exactly that many', async () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('')
    const many = open(srv.port, `GET /fail/EMPTY HTTP/1.1\r\nHost: 127.0.0.1\r\n${fields(60)}\r\n`)
    await many.closed
    expect(many.text()).toMatch(/^HTTP\/1\.1 431 /)
    // Node 20 hands the request over and the app answers with its code; Node 22 and later refuse it themselves.
    expect(many.text()).toMatch(/"code":"REQUEST_HEADER_FIELDS_TOO_LARGE"|Exceeded maximum allowed HTTP header size/)
    // Host plus 19 more is 20 fields: at the cap, served (GET /fail/EMPTY answers 400 EMPTY).
    const atCap = open(srv.port, `GET /fail/EMPTY HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${fields(18)}\r\n`)
    await atCap.closed
    expect(atCap.text()).toMatch(/^HTTP\/1\.1 400 /)
    expect(await echoed(srv.url)).toBe(200)
  })

  it('cuts off a client trickling its headers (slow loris) after headersTimeoutMs, while a normal client is served', async () => {
    const slow = open(srv.port, 'GET /fail/EMPTY HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    trickle(slow.socket, `X-Slow: ${'a'.repeat(50)}`, 500)
    await new Promise((r) => setTimeout(r, 600))
    expect(await echoed(srv.url)).toBe(200)
    const after = await slow.closed
    // Due at 1000 ms; node checks once a second (listenerFactory's connectionsCheckingInterval).
    expect(after).toBeGreaterThanOrEqual(950)
    expect(after).toBeLessThan(2_600)
    expect(slow.text()).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('cuts off a client trickling its body after requestTimeoutMs with 408', async () => {
    const body = JSON.stringify({ s: 'x'.repeat(40) })
    const slow = open(srv.port, echo(body).slice(0, -body.length))
    trickle(slow.socket, body, 500)
    // Due at 2000 ms, seen by the next once-a-second check.
    const after = await slow.closed
    expect(after).toBeGreaterThanOrEqual(1_950)
    expect(after).toBeLessThan(3_600)
    expect(slow.text()).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes an idle keep-alive connection after keepAliveTimeoutMs, which may exceed headersTimeoutMs', async () => {
    const c = open(srv.port, echo())
    await new Promise((r) => setTimeout(r, 200))
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 /)
    expect(c.text()).toMatch(/keep-alive: timeout=1/i)
    // Idle longer than headersTimeoutMs: a keep-alive connection is not a slow request, and is served.
    await new Promise((r) => setTimeout(r, 1_200))
    const sent = Date.now()
    c.socket.write(echo())
    await new Promise((r) => setTimeout(r, 100))
    expect(c.text().match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
    await c.closed
    // Node 20 closes 1 s after the timeout it advertises (keep-alive: timeout=1), so a client never races it.
    const quietFor = Date.now() - sent
    expect(quietFor).toBeGreaterThanOrEqual(1_450)
    expect(quietFor).toBeLessThan(3_200)
  })

  it("answers a body over the route's bodyLimit with 413, below the app's limit", async () => {
    const res = await request(`${srv.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ s: 'x'.repeat(100) }) })
    expect(res.statusCode).toBe(413)
    expect(await res.body.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect(await echoed(srv.url)).toBe(200)
  })

  it('sends no x-powered-by (nor server) header', async () => {
    const res = await request(`${srv.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"s":"a"}' })
    await res.body.text()
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-powered-by']).toBeUndefined()
    expect(res.headers.server).toBeUndefined()
  })
})

describe('CORS', () => {
  const origin = 'https://app.example'
  const preflight = { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }

  it('is off by default: no CORS headers, and a preflight is just a 405', async () => {
    const srv = await serve()
    try {
      const res = await request(`${srv.url}/echo`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"s":"a"}' })
      await res.body.text()
      expect(res.statusCode).toBe(200)
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
      const pre = await request(`${srv.url}/echo`, { method: 'OPTIONS', headers: preflight })
      await pre.body.text()
      expect(pre.statusCode).toBe(405)
      expect(pre.headers['access-control-allow-origin']).toBeUndefined()
    } finally {
      await srv.app.close()
    }
  })

  it('with origins configured, answers their preflight and marks their responses, and no one else’s', async () => {
    const srv = await serve([origin])
    try {
      const pre = await request(`${srv.url}/echo`, { method: 'OPTIONS', headers: preflight })
      await pre.body.text()
      expect(pre.statusCode).toBe(204)
      expect(pre.headers['access-control-allow-origin']).toBe(origin)
      expect(String(pre.headers['access-control-allow-methods'])).toContain('POST')
      const res = await request(`${srv.url}/echo`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"s":"a"}' })
      await res.body.text()
      expect(res.headers['access-control-allow-origin']).toBe(origin)
      expect(String(res.headers['access-control-expose-headers'])).toContain('x-request-id')
      const other = await request(`${srv.url}/echo`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"s":"a"}' })
      await other.body.text()
      expect(other.headers['access-control-allow-origin']).toBeUndefined()
      // The preflight route does not make every path "known": an unknown one is still 404.
      const nope = await request(`${srv.url}/nope`)
      await nope.body.text()
      expect(nope.statusCode).toBe(404)
    } finally {
      await srv.app.close()
    }
  })
})

describe('admin listener limits', () => {
  it('answers oversize headers with 431 and cuts off a slow-loris client, as the public listener does', async () => {
    const admin = adminApp({ registry: new Registry(), checks: {}, accepting: () => true, limits })
    await admin.listen({ host: '127.0.0.1', port: 0 })
    try {
      const { port } = admin.server.address() as { port: number }
      const big = open(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(3_000)}\r\n\r\n`)
      await big.closed
      expect(big.text()).toMatch(/^HTTP\/1\.1 431 /)
      const slow = open(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      trickle(slow.socket, `X-Slow: ${'a'.repeat(50)}`, 500)
      expect(await slow.closed).toBeLessThan(2_600)
      const ok = await request(`http://127.0.0.1:${port}/healthz`)
      expect(ok.statusCode).toBe(200)
      await ok.body.text()
    } finally {
      await admin.close()
    }
  })
})

describe('configuration', () => {
  it('defaults to the documented limits, CORS off', () => {
    const config = parseConfig({})
    expect(config.listener).toEqual(defaultLimits)
    expect(defaultLimits).toEqual({ maxHeaderBytes: 16_384, maxHeadersCount: 100, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 })
    expect(config.corsOrigins).toBeUndefined()
  })

  it('reads the variables, and accepts a keep-alive longer than the headers timeout (behind a load balancer)', () => {
    const config = parseConfig({ MAX_HEADER_BYTES: '8192', MAX_HEADERS_COUNT: '50', HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '4000', KEEP_ALIVE_TIMEOUT_MS: '65000', CORS_ORIGINS: 'https://a.example, http://localhost:3000' })
    expect(config.listener).toEqual({ maxHeaderBytes: 8_192, maxHeadersCount: 50, headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 65_000 })
    expect(config.corsOrigins).toEqual(['https://a.example', 'http://localhost:3000'])
    expect(parseConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*'])
  })

  it.each([
    ['MAX_HEADER_BYTES', 'big', /MAX_HEADER_BYTES="big" is invalid: an integer from 1024 to 1048576/],
    ['MAX_HEADERS_COUNT', '0', /MAX_HEADERS_COUNT="0" is invalid/],
    ['REQUEST_TIMEOUT_MS', '-5', /REQUEST_TIMEOUT_MS="-5" is invalid/],
    ['HEADERS_TIMEOUT_MS', '1.5', /HEADERS_TIMEOUT_MS="1.5" is invalid/],
    ['KEEP_ALIVE_TIMEOUT_MS', 'soon', /KEEP_ALIVE_TIMEOUT_MS="soon" is invalid/],
    ['HEADERS_TIMEOUT_MS', '40000', /HEADERS_TIMEOUT_MS="40000" is invalid: at most REQUEST_TIMEOUT_MS \(30000\)/],
    ['CORS_ORIGINS', 'https://a.example/', /CORS_ORIGINS="https:\/\/a.example\/" is invalid: comma-separated origins/],
    ['CORS_ORIGINS', 'a.example', /CORS_ORIGINS="a.example" is invalid/],
  ])('%s=%s is a ConfigError naming it', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(message)
  })
})
