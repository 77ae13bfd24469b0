// A caller's deadline holds end to end. The edge (a real process hosting
// nothing) reaches stringsvc at a peer that is slow: a real HTTP server in
// this test that answers after a second. A request with a 50 ms budget
// (x-request-timeout-ms) gets a clear 504 within about 50 ms, before the peer
// has answered, and the peer was told the budget that remained.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Running, spawnMain } from '../helpers/process.js'

let slow: Server
let edge: Running
const seen: { budget: string | undefined; answered: boolean }[] = []

beforeAll(async () => {
  slow = createServer((req, res) => {
    const call = { budget: req.headers['x-request-timeout-ms'] as string | undefined, answered: false }
    seen.push(call)
    req.resume()
    setTimeout(() => {
      call.answered = true
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"v":"LATE"}')
    }, 1000)
  })
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r))
  const { port } = slow.address() as { port: number }
  edge = await spawnMain({ SERVICES: 'none', STRINGSVC_URL: `http://127.0.0.1:${port}` })
}, 60_000)
afterAll(async () => {
  await edge?.stop('SIGKILL')
  slow.closeAllConnections()
  await new Promise((r) => slow.close(r))
})

describe('deadline through the edge', () => {
  it('answers 504 within about 50 ms, before the slow peer answers', async () => {
    // Warm the edge's connection pool first so the measurement is of the deadline, not of a cold start.
    await fetch(`${edge.url}/count`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-timeout-ms': '20' }, body: '{"s":"x"}' })
    seen.length = 0

    const start = performance.now()
    const res = await fetch(`${edge.url}/uppercase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-timeout-ms': '50' },
      body: JSON.stringify({ s: 'hello' }),
    })
    const took = performance.now() - start
    const body = (await res.json()) as { error: string; code: string }

    expect(res.status).toBe(504)
    expect(body.code).toBe('DEADLINE_EXCEEDED')
    expect(body.error).toMatch(/deadline exceeded/)
    expect(took).toBeGreaterThanOrEqual(45)
    expect(took).toBeLessThan(250)
    expect(seen).toHaveLength(1) // the peer got the call once: a deadline is not retried
    expect(seen[0]?.answered).toBe(false)
    expect(Number(seen[0]?.budget)).toBeGreaterThan(0)
    expect(Number(seen[0]?.budget)).toBeLessThanOrEqual(50)
  })
})
