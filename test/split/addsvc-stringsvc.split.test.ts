// The split deployment on loopback, as separate processes of the same build:
// addsvc alone, two stringsvc peers, and an edge that hosts neither and
// reaches them by ADDSVC_URL and STRINGSVC_URL. Every public route answers
// through the edge as the monolith would. Then one stringsvc peer is killed
// while requests flow: none fails (retries go to the other peer), the edge's
// breaker for that peer opens, and once the peer is restarted on the same
// port it serves again. Every process is stopped; every wait is bounded.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Running, spawnMain } from '../helpers/process.js'

let adds: Running
let peer1: Running
let peer2: Running
let edge: Running
const started: Running[] = []

beforeAll(async () => {
  ;[adds, peer1, peer2] = await Promise.all([
    spawnMain({ SERVICES: 'addsvc' }),
    spawnMain({ SERVICES: 'stringsvc' }),
    spawnMain({ SERVICES: 'stringsvc' }),
  ])
  edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: adds.url, STRINGSVC_URL: `${peer1.url},${peer2.url}` })
  started.push(adds, peer1, peer2, edge)
}, 60_000)
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL')))
})

/** call POSTs a JSON body to the edge and returns status and parsed body. */
async function call(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${edge.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** served reads a process's /metrics: how many successful calls of service.method it ran itself. */
async function served(p: Running, service: string, method: string): Promise<number> {
  const text = await (await fetch(`${p.adminUrl}/metrics`)).text()
  let n = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('request_duration_seconds_count{') && line.includes(`service="${service}"`) && line.includes(`method="${method}"`) && line.includes('outcome="ok"')) {
      n += Number(line.split(' ').at(-1))
    }
  }
  return n
}

describe('split deployment through an edge hosting nothing', () => {
  it('answers every public route as the monolith does, served by the remote processes', async () => {
    expect(await call('/sum', { a: 1, b: 2 })).toEqual({ status: 200, body: { v: 3 } })
    expect(await call('/sum', { a: 0, b: 0 })).toEqual({ status: 400, body: { error: "can't sum two zeroes", code: 'TWO_ZEROES' } })
    expect(await call('/concat', { a: 'go', b: 'kit' })).toEqual({ status: 200, body: { v: 'gokit' } })
    expect(await call('/concat', { a: 'héllo', b: 'wörl' })).toEqual({
      status: 400,
      body: { error: 'result exceeds maximum size', code: 'MAX_SIZE_EXCEEDED' },
    })
    expect(await call('/uppercase', { s: 'héllo' })).toEqual({ status: 200, body: { v: 'HÉLLO' } })
    expect(await call('/uppercase', { s: '' })).toEqual({ status: 200, body: { v: '', err: 'empty string', code: 'EMPTY_STRING' } })
    expect(await call('/count', { s: 'héllo' })).toEqual({ status: 200, body: { v: 6 } })
    const get = await fetch(`${edge.url}/uppercase`, { method: 'GET', headers: { 'content-type': 'application/json' } })
    expect(get.status).toBe(400) // GET needs its JSON body; fetch cannot send one, so a clear 400
    expect((await call('/count', { s: 5 })).status).toBe(400)

    expect(await served(adds, 'addsvc', 'sum')).toBe(1)
    expect(await served(adds, 'addsvc', 'concat')).toBe(1)
    expect((await served(peer1, 'stringsvc', 'uppercase')) + (await served(peer2, 'stringsvc', 'uppercase'))).toBe(1)
    expect(await served(edge, 'stringsvc', 'uppercase')).toBe(1) // the edge's endpoint ran over the remote Service
  })

  it('loses no request when a peer dies, opens its breaker, and uses it again once it is back', async () => {
    const failures: string[] = []
    let sent = 0
    let flowing = true
    const flow = async (): Promise<void> => {
      while (flowing) {
        const s = `req${sent++}`
        const r = await call('/uppercase', { s }).catch((e: unknown) => ({ status: 0, body: { error: String(e) } as Record<string, unknown> }))
        if (r.status !== 200 || r.body.v !== s.toUpperCase()) failures.push(`${r.status} ${JSON.stringify(r.body)}`)
      }
    }
    const workers = [flow(), flow(), flow(), flow()]
    try {
      await vi.waitFor(() => expect(sent).toBeGreaterThan(50), { timeout: 10_000, interval: 20 })
      await peer1.stop('SIGKILL')
      await vi.waitFor(() => expect(edge.output()).toMatch(new RegExp(`"instance":"${peer1.url}[^"]*","state":"open"|"state":"open"[^\\n]*${peer1.url}`)), {
        timeout: 10_000,
        interval: 50,
      })
      const atKill = sent

      const again = await spawnMain({ SERVICES: 'stringsvc', PORT: String(peer1.port) })
      started.push(again)
      // The breaker half-opens after its reset timeout (2 s), a trial call succeeds, and the peer serves again.
      await vi.waitFor(async () => expect(await served(again, 'stringsvc', 'uppercase')).toBeGreaterThan(5), { timeout: 20_000, interval: 200 })
      expect(sent).toBeGreaterThan(atKill)
    } finally {
      flowing = false
      await Promise.all(workers)
    }
    expect(failures).toEqual([])
  }, 60_000)
})
