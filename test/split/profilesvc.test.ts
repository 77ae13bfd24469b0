// profilesvc split out: a process hosting only profilesvc (embedded PGlite in
// memory), and an edge hosting nothing that reaches it at PROFILESVC_URL.
// Every route answers through the edge as in the monolith, with the same
// codes; and the edge's client does not retry a write whose attempt may have
// landed, only one that never reached an instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type Running, spawnMain } from '../helpers/process.js'

let profiles: Running
let edge: Running

beforeAll(async () => {
  // DATABASE_URL is cleared: CI sets it for the store suite, and this process must use its own PGlite.
  profiles = await spawnMain({ SERVICES: 'profilesvc', DATA_DIR: 'memory://', DATABASE_URL: '' }, 60_000)
  edge = await spawnMain({ SERVICES: 'none', PROFILESVC_URL: profiles.url })
}, 90_000)
afterAll(async () => {
  await Promise.all([edge?.stop('SIGKILL'), profiles?.stop('SIGKILL')])
})

/** call sends a JSON request to the edge and returns status and parsed body. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${edge.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}

describe('profilesvc behind an edge', () => {
  it('answers every route through the edge, with the codes of the monolith', async () => {
    const id = `split-${Date.now()}`
    expect(await call('POST', '/profiles/', { id, name: 'Ada', addresses: [{ id: 'home', location: 'London' }] })).toEqual({ status: 200, body: {} })
    expect(await call('POST', '/profiles/', { id })).toEqual({ status: 400, body: { error: 'already exists', code: 'ALREADY_EXISTS' } })
    expect(await call('GET', `/profiles/${id}`)).toEqual({
      status: 200,
      body: { profile: { id, name: 'Ada', addresses: [{ id: 'home', location: 'London' }] } },
    })
    expect(await call('PATCH', `/profiles/${id}`, { name: 'Ada L.' })).toEqual({ status: 200, body: {} })
    expect(await call('POST', `/profiles/${id}/addresses/`, { id: 'work', location: 'Cambridge' })).toEqual({ status: 200, body: {} })
    expect(await call('GET', `/profiles/${id}/addresses/`)).toEqual({
      status: 200,
      body: { addresses: [{ id: 'home', location: 'London' }, { id: 'work', location: 'Cambridge' }] },
    })
    expect(await call('DELETE', `/profiles/${id}/addresses/home`)).toEqual({ status: 200, body: {} })
    expect(await call('GET', `/profiles/${id}/addresses/home`)).toEqual({ status: 404, body: { error: 'not found', code: 'RECORD_NOT_FOUND' } })
    expect(await call('PUT', `/profiles/${id}`, { id: 'other' })).toEqual({ status: 400, body: { error: 'inconsistent IDs', code: 'INCONSISTENT_IDS' } })
    expect(await call('DELETE', `/profiles/${id}`)).toEqual({ status: 200, body: {} })
    expect(await call('GET', `/profiles/${id}`)).toEqual({ status: 404, body: { error: 'not found', code: 'RECORD_NOT_FOUND' } })
  })

  it('refuses bad input at the edge with the same 400 as the monolith', async () => {
    const res = await call('POST', '/profiles/', { id: 'x', nickname: 'y' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: "body must not have property 'nickname'", code: 'BAD_REQUEST' })
  })
})

describe('an edge whose profilesvc is down', () => {
  it('answers 503 after trying each refused instance once, and never 500', async () => {
    const dead = await spawnMain({ SERVICES: 'none', PROFILESVC_URL: `http://127.0.0.1:${await freePort()}` })
    try {
      const res = await fetch(`${dead.url}/profiles/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'nobody' }),
      })
      expect(res.status).toBe(503)
      const body = (await res.json()) as { error: string; code: string }
      expect(body.code).toBe('UNAVAILABLE')
      expect(body.error).toMatch(/^profilesvc: \d attempts? failed; last: upstream unreachable \(ECONNREFUSED\)$/)
      expect(body.error).not.toMatch(/127\.0\.0\.1/)
    } finally {
      await dead.stop('SIGKILL')
    }
  })
})
