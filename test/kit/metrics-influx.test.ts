// The InfluxDB provider (kit/metrics/influx) against a real InfluxDB 1.x
// (.ci/services/influxdb.sh), in a database of its own, dropped afterwards:
// points arrive on the interval with the Prometheus names as measurements,
// labels and the provider's tags as tags, a counter's adds in one `count`
// field, a histogram as count, sum and Go kit's p50…p99; close() writes what
// is still buffered; a write refused by the server (no such database) is
// logged, and the provider keeps going.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fields, Logger } from '../../src/kit/log.js'
import { influx } from '../../src/kit/metrics/influx.js'
import { openProvider } from '../../src/kit/metrics/registry.js'
import { answers } from '../helpers/net.js'
import { log } from '../helpers/nop.js'

const up = await answers(8086)
if (!up) console.warn('influx metrics test SKIPPED: no InfluxDB answers on 127.0.0.1:8086 (.ci/services/influxdb.sh start)')

const server = 'http://127.0.0.1:8086'
const duration = {
  name: 'request_duration_seconds',
  help: 'Duration of endpoint calls in seconds.',
  labelNames: ['service', 'method', 'transport', 'outcome'],
} as const
const ints = { name: 'addsvc_integers_summed_total', help: 'Total count of integers summed.' }

type Row = Record<string, string | number | null>

/** query runs InfluxQL on db and returns the rows of the first series, as objects. */
async function query(db: string, q: string): Promise<Row[]> {
  const res = await fetch(`${server}/query?${new URLSearchParams({ db, q })}`, { method: 'POST' })
  const body = (await res.json()) as { results: { series?: { columns: string[]; values: (string | number | null)[][] }[] }[] }
  const s = body.results[0]?.series?.[0]
  return (s?.values ?? []).map((v) => Object.fromEntries(s?.columns.map((c, i) => [c, v[i] ?? null]) ?? []))
}

/** rows polls query until it returns at least n rows. */
async function rows(db: string, q: string, n = 1): Promise<Row[]> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const r = await query(db, q)
    if (r.length >= n) return r
    if (Date.now() > deadline) throw new Error(`${q}: ${r.length} rows after 5 s, wanted ${n}`)
    await new Promise((res) => setTimeout(res, 50))
  }
}

describe.skipIf(!up)('influx provider against InfluxDB 1.x', () => {
  const db = `tskit_test_${randomUUID().slice(0, 8)}`
  beforeAll(async () => {
    await query('', `CREATE DATABASE ${db}`)
  })
  afterAll(async () => {
    if (up) await query('', `DROP DATABASE ${db}`)
  })

  it('writes on the interval: counter field count, histogram fields, labels and provider tags as tags', async () => {
    const p = await openProvider(`influx://127.0.0.1:8086/${db}`, { log, intervalMs: 100, tags: { instance: 'i-1' } })
    try {
      const c = p.counter(ints)
      c.add(3)
      c.add(4)
      const h = p.histogram(duration).with({ service: 'addsvc', method: 'sum' }).with({ transport: 'http', outcome: 'ok' })
      for (const v of [0.001, 0.002, 0.003, 0.004]) h.observe(v)
      const [count] = await rows(db, 'SELECT * FROM addsvc_integers_summed_total')
      expect(count).toMatchObject({ count: 7, instance: 'i-1' })
      const [dur] = await rows(db, 'SELECT * FROM request_duration_seconds')
      expect(dur).toMatchObject({ service: 'addsvc', method: 'sum', transport: 'http', outcome: 'ok', instance: 'i-1' })
      expect(dur).toMatchObject({ count: 4, p50: 0.002, p90: 0.004, p95: 0.004, p99: 0.004 })
      expect(dur?.sum).toBeCloseTo(0.01, 10)
      const keys = await query(db, 'SHOW TAG KEYS FROM request_duration_seconds')
      expect(keys.map((k) => k.tagKey).sort()).toEqual(['instance', 'method', 'outcome', 'service', 'transport'])
    } finally {
      await p.close()
    }
  })

  it('close writes what is still buffered', async () => {
    const p = influx({ url: server, db, intervalMs: 60_000, timeoutMs: 2_000, log })
    const c = p.counter({ name: 'tskit_close_total', help: 'closing' })
    c.add(2)
    c.add(1)
    await p.close()
    const all = await rows(db, 'SELECT * FROM tskit_close_total')
    expect(all.map((r) => r.count)).toEqual([3])
  })

  it('a refused write (no such database) is logged once, and the next one is tried', async () => {
    const warnings: { msg: string; fields: Fields | undefined }[] = []
    const retries: string[] = []
    const recording: Logger = { ...log, with: () => recording, warn: (msg, fields) => warnings.push({ msg, fields }), debug: (msg) => retries.push(msg) }
    const p = influx({ url: server, db: `${db}_missing`, intervalMs: 50, timeoutMs: 1_000, log: recording })
    const c = p.counter(ints)
    for (let i = 0; i < 4; i++) {
      c.add(1)
      await new Promise((r) => setTimeout(r, 80))
    }
    await p.close()
    expect(warnings).toHaveLength(1)
    expect(String(warnings[0]?.fields?.err)).toMatch(/404.*database not found/)
    // Each interval with something to send tried again (logged at debug).
    expect(retries.filter((m) => m === 'metrics push failed again').length).toBeGreaterThanOrEqual(2)
  })
})
