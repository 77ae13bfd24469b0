// With authentication on (JWT_SECRET), profilesvc keeps the behaviour it has
// without it: hostile input and a soak of mixed calls get 4xx or 200, never a
// 5xx; every write that was answered 200 is there afterwards, and none that
// was refused; and a SIGTERM in the middle of a stream of writes drains them,
// so that every acknowledged write survives a restart on the same data
// directory.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Running, spawnMain } from '../helpers/process.js'

const secret = randomBytes(32).toString('base64url')
const bearer = async (sub = 'alice'): Promise<string> =>
  `Bearer ${await new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 300 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))}`

let dataDir: string
let proc: Running
let auth: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tskit-auth-load-'))
  auth = await bearer()
  proc = await spawnMain({ SERVICES: 'profilesvc', JWT_SECRET: secret, DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '10000' }, 90_000)
}, 120_000)
afterAll(async () => {
  await proc?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

/** call sends one request and returns its status (0 when the connection failed). */
async function call(base: string, method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  try {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...opts.headers }, ...(opts.body === undefined ? {} : { body: opts.body }) })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0
  }
}

describe('profilesvc with JWT_SECRET, under hostile input and load', () => {
  it('answers hostile input with 4xx, never 5xx, and writes nothing it refused', { timeout: 60_000 }, async () => {
    const base = proc.url
    const hostile: [string, string, { body?: string; headers?: Record<string, string> }][] = [
      ['POST', '/profiles/', { body: '{"id":"h1"}' }],
      ['POST', '/profiles/', { body: '{"id":"h2"}', headers: { authorization: 'Bearer not.a.token' } }],
      ['POST', '/profiles/', { body: '{"id":"h3"}', headers: { authorization: `Bearer ${(await bearer()).slice(7, -4)}AAAA` } }],
      ['POST', '/profiles/', { body: '{"id":"h4"}', headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } }],
      ['POST', '/profiles/', { body: '{"id":', headers: { authorization: auth } }],
      ['POST', '/profiles/', { body: '{"id":"h6","extra":1}', headers: { authorization: auth } }],
      ['POST', '/profiles/', { body: '{"id":7}', headers: { authorization: auth } }],
      ['POST', '/profiles/', { body: JSON.stringify({ id: 'h8', name: 'x'.repeat(100_000) }), headers: { authorization: auth } }],
      ['PUT', '/profiles/h9', { body: '{"id":"other"}', headers: { authorization: auth } }],
      ['DELETE', '/profiles/nobody', {}],
      ['DELETE', '/profiles/nobody', { headers: { authorization: auth } }],
      ['PATCH', '/profiles/h10', { body: '{}', headers: { authorization: 'Bearer ' } }],
      ['GET', '/profiles/..', {}],
      ['PROPFIND', '/profiles/', {}],
    ]
    const statuses = await Promise.all(Array.from({ length: 5 }, () => hostile.map(([m, p, o]) => call(base, m, p, o))).flat())
    expect(statuses.filter((s) => s < 400 || s >= 500)).toEqual([])
    for (const id of ['h1', 'h2', 'h3', 'h4', 'h6', 'h7', 'h8', 'h9', 'h10']) expect(await call(base, 'GET', `/profiles/${id}`)).toBe(404)
  })

  it('keeps every authorized write of a soak and refuses the others, with no 5xx', { timeout: 120_000 }, async () => {
    const base = proc.url
    const n = 600
    const statuses = new Map<string, number>()
    let next = 0
    const worker = async (): Promise<void> => {
      for (let i = next++; i < n; i = next++) {
        const id = `soak-${i}`
        const authorized = i % 3 !== 0
        statuses.set(id, await call(base, 'POST', '/profiles/', { body: JSON.stringify({ id, name: `n${i}` }), headers: authorized ? { authorization: auth } : {} }))
        if (i % 5 === 0) await call(base, 'GET', `/profiles/soak-${i - 1}`)
      }
    }
    await Promise.all(Array.from({ length: 25 }, worker))
    const all = [...statuses.values()]
    expect(all.filter((s) => s >= 500 || s === 0)).toEqual([])
    for (const [id, status] of statuses) {
      const i = Number(id.slice(5))
      expect(status, id).toBe(i % 3 === 0 ? 401 : 200)
      expect(await call(base, 'GET', `/profiles/${id}`), id).toBe(status === 200 ? 200 : 404)
    }
  })

  it('drains a stream of authorized writes on SIGTERM: every acknowledged write survives a restart', { timeout: 180_000 }, async () => {
    const base = proc.url
    const acked: string[] = []
    const failed: number[] = []
    let i = 0
    let stop = false
    const writer = async (): Promise<void> => {
      while (!stop) {
        const id = `drain-${i++}`
        const s = await call(base, 'POST', '/profiles/', { body: JSON.stringify({ id }), headers: { authorization: auth } })
        if (s === 200) acked.push(id)
        else if (s === 0 || s === 503) stop = true // the listener has stopped accepting
        else failed.push(s)
      }
    }
    const writers = Array.from({ length: 10 }, writer)
    await new Promise((r) => setTimeout(r, 1_500))
    const exit = proc.stop('SIGTERM')
    await Promise.all(writers)
    expect(await exit).toBe(0)
    expect(failed).toEqual([])
    expect(acked.length).toBeGreaterThan(10)
    proc = await spawnMain({ SERVICES: 'profilesvc', JWT_SECRET: secret, DATA_DIR: dataDir }, 90_000)
    for (const id of acked) expect(await call(proc.url, 'GET', `/profiles/${id}`), id).toBe(200)
  })
})
