// When the database goes away, profilesvc must fail fast and clearly, and
// come back by itself: a real process (src/main.ts) on a PostgreSQL server of
// this test's own, which the test stops and starts. While it is down,
// requests get a 503 at once (not a hang, not a 500 with a driver message)
// and /readyz says not ready; when it returns, both recover with no restart,
// and the data written before the outage is still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findBinaries, type PgServer, startPgServer } from '../helpers/pg-server.js'
import { type Running, spawnMain } from '../helpers/process.js'
import { uid } from '../helpers/profilesvc-cases.js'

const bin = findBinaries()
if (!bin) console.warn('SKIPPED profilesvc outage test: initdb and pg_ctl are not installed (PATH or /usr/lib/postgresql/*/bin)')

/** until polls check every 200 ms until it returns true, failing after ms. */
async function until(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${what} did not happen within ${ms} ms`)
}

describe.skipIf(!bin)('profilesvc when its PostgreSQL server goes away and comes back', () => {
  let pg: PgServer | undefined
  let proc: Running | undefined
  beforeAll(async () => {
    pg = await startPgServer(bin as string)
    proc = await spawnMain({
      SERVICES: 'profilesvc',
      DATABASE_URL: pg.url,
      MIGRATE_ON_START: 'true',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    })
  }, 90_000)
  afterAll(async () => {
    await proc?.stop('SIGKILL')
    await pg?.remove()
  })

  it('answers 503 fast and reports not ready while it is down, then recovers by itself', async () => {
    const server = pg as PgServer
    const { url, adminUrl } = proc as Running
    const id = uid()
    const created = await fetch(`${url}/profiles/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, name: 'survivor' }) })
    expect(created.status).toBe(200)
    expect((await fetch(`${adminUrl}/readyz`)).status).toBe(200)

    await server.stop()

    // Every call fails at once with a 503: the database's, or the breaker's once it opens.
    for (let i = 0; i < 15; i++) {
      const started = performance.now()
      const res = await fetch(`${url}/profiles/${id}`)
      const took = performance.now() - started
      const body = (await res.json()) as { error: string; code: string }
      expect(res.status, JSON.stringify(body)).toBe(503)
      expect(['UNAVAILABLE', 'CIRCUIT_OPEN']).toContain(body.code)
      expect(body.error).not.toMatch(/ECONNREFUSED 127|\bat .*\.(ts|js):\d+/)
      expect(took).toBeLessThan(1_500)
    }
    const ready = await fetch(`${adminUrl}/readyz`)
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { failing: Record<string, string> }).failing.database).toMatch(/^database unavailable/)

    await server.start()

    // No restart of our process: the pool reconnects and the breaker closes after its trial call.
    await until(20_000, 'readiness recovery', async () => (await fetch(`${adminUrl}/readyz`)).status === 200)
    await until(20_000, 'request recovery', async () => (await fetch(`${url}/profiles/${id}`)).status === 200)
    expect(await (await fetch(`${url}/profiles/${id}`)).json()).toEqual({ profile: { id, name: 'survivor' } })
    expect(proc?.output()).not.toMatch(/uncaught|unhandled/i)
  }, 60_000)
})
