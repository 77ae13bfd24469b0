// One span per SQL query: profilesvc on a real PostgreSQL server (a database
// of the test's own, dropped afterwards), started with the telemetry preload.
// A POST /profiles/ with a caller's traceparent must produce pg query spans
// (client kind) inside the profilesvc.postProfile endpoint span, in the
// caller's trace.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresServer, serverUrl } from '../helpers/profilesvc-db.js'
import { type Running, spawnMain } from '../helpers/process.js'
import { receiver, type Receiver, type Span } from './otlp.js'

const available = await postgresServer('telemetry SQL spans')
const database = `tskit_trace_${randomUUID().slice(0, 8)}`

/** admin runs one statement on the server's maintenance connection. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe.skipIf(!available)('SQL spans', () => {
  let otlp: Receiver
  let proc: Running | undefined
  beforeAll(async () => {
    otlp = await receiver()
    await admin(`CREATE DATABASE ${database}`)
    const url = new URL(serverUrl)
    url.pathname = `/${database}`
    proc = await spawnMain(
      {
        SERVICES: 'profilesvc',
        DATABASE_URL: url.toString(),
        MIGRATE_ON_START: 'true',
        OTEL_SERVICE_NAME: 'profilesvc',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      30_000,
      ['./src/telemetry.ts'],
    )
  }, 60_000)
  afterAll(async () => {
    await proc?.stop()
    await otlp?.close()
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  })

  it('traces each query of a request inside its endpoint span, in the caller’s trace', async () => {
    const traceId = randomUUID().replaceAll('-', '')
    const res = await fetch(`${proc?.url}/profiles/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'ab'.repeat(8)}-01` },
      body: JSON.stringify({ id: 'traced', name: 'Ada', addresses: [{ id: 'home' }] }),
    })
    expect(res.status).toBe(200)
    // Spans arrive in batches as they end: wait for the endpoint span (it ends after its queries) and two queries.
    const ours = (all: readonly Span[]): Span[] => all.filter((s) => s.traceId === traceId)
    const spans = await otlp.waitFor((all) => {
      const mine = ours(all)
      return mine.some((s) => s.name === 'profilesvc.postProfile') && mine.filter((s) => s.name.startsWith('pg.query')).length >= 2
    })
    const inTrace = ours(spans)
    const byId = new Map(inTrace.map((s) => [s.spanId, s]))
    const above = (s: Span): Span[] => {
      const up: Span[] = []
      for (let p = byId.get(s.parentSpanId); p; p = byId.get(p.parentSpanId)) up.push(p)
      return up
    }
    const queries = inTrace.filter((s) => s.name.startsWith('pg.query'))
    expect(queries.length).toBeGreaterThanOrEqual(2)
    for (const q of queries) {
      expect(q.kind).toBe(3)
      expect(above(q).map((s) => s.name)).toContain('profilesvc.postProfile')
    }
  })
})
