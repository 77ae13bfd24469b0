// multi() fans each metric out to several providers at once: the same
// counter and histogram, bound once, reach the Prometheus registry (read
// back from its exposition text), a real InfluxDB (.ci/services/influxdb.sh)
// and a real StatsD (.ci/services/statsd.sh); a provider whose server is down
// costs the others nothing; close() closes them all.
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { connect } from 'node:net'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as kitmetrics from '../../src/kit/metrics.js'
import { openProvider } from '../../src/kit/metrics/registry.js'
import { answers, freePort } from '../helpers/net.js'
import { log } from '../helpers/nop.js'

const influxUp = await answers(8086)
const statsdUp = await answers(8126)
if (!influxUp) console.warn('metrics multi test: InfluxDB parts SKIPPED, no InfluxDB answers on 127.0.0.1:8086 (.ci/services/influxdb.sh start)')
if (!statsdUp) console.warn('metrics multi test: StatsD part SKIPPED, no StatsD management interface answers on 127.0.0.1:8126 (.ci/services/statsd.sh start)')

const duration = {
  name: 'request_duration_seconds',
  help: 'Duration of endpoint calls in seconds.',
  labelNames: ['service', 'method', 'transport', 'outcome'],
  buckets: [0.001, 0.01, 0.1],
} as const
const ints = { name: 'addsvc_integers_summed_total', help: 'Total count of integers summed.' }
const db = `tskit_test_${randomUUID().slice(0, 8)}`
const prefix = `tskit_test_${randomUUID().slice(0, 8)}`

/** influxql runs one InfluxQL statement and returns the first series' rows as [column, value] records. */
async function influxql(q: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`http://127.0.0.1:8086/query?${new URLSearchParams({ db, q })}`, { method: 'POST' })
  const body = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }
  const s = body.results[0]?.series?.[0]
  return (s?.values ?? []).map((v) => Object.fromEntries(s?.columns.map((c, i) => [c, v[i]]) ?? []))
}

/** statsdCounters returns StatsD's counters dump (its management interface's `counters`). */
async function statsdCounters(): Promise<string> {
  const s = connect(8126, '127.0.0.1')
  let out = ''
  s.on('data', (d: Buffer) => (out += d.toString()))
  await once(s, 'connect')
  s.write('counters\n')
  while (!out.includes('END')) await new Promise((r) => setTimeout(r, 10))
  s.destroy()
  return out
}

/** eventually polls check until it stops throwing, for at most 5 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5_000
  for (;;) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

describe.skipIf(!influxUp)('multi provider', () => {
  beforeAll(async () => {
    await influxql(`CREATE DATABASE ${db}`)
  })
  afterAll(async () => {
    if (!influxUp) return
    await influxql(`DROP DATABASE ${db}`)
    if (statsdUp) {
      const s = connect(8126, '127.0.0.1')
      await once(s, 'connect')
      s.end(`delcounters ${prefix}.*\n`)
    }
  })

  it.skipIf(!statsdUp)('one counter and one histogram reach Prometheus, InfluxDB and StatsD at once', async () => {
    const registry = new Registry()
    const m = kitmetrics.multi(
      kitmetrics.prometheus(registry),
      await openProvider(`influx://127.0.0.1:8086/${db}`, { log, intervalMs: 60_000 }),
      await openProvider(`statsd://127.0.0.1:8125?prefix=${prefix}`, { log, intervalMs: 60_000 }),
    )
    const c = m.counter(ints)
    c.add(3)
    c.add(4)
    m.histogram(duration).with({ service: 'addsvc', method: 'sum' }).with({ transport: 'http', outcome: 'ok' }).observe(0.005)
    await m.close()
    const text = await registry.metrics()
    expect(text).toContain('addsvc_integers_summed_total 7')
    expect(text).toContain('request_duration_seconds_count{service="addsvc",method="sum",transport="http",outcome="ok"} 1')
    await eventually(async () => {
      expect(await influxql('SELECT count FROM addsvc_integers_summed_total')).toMatchObject([{ count: 7 }])
      expect(await influxql('SELECT count, p50 FROM request_duration_seconds')).toMatchObject([{ count: 1, p50: 0.005 }])
    })
    await eventually(async () => expect(await statsdCounters()).toContain(`'${prefix}.addsvc_integers_summed_total': 7`))
  })

  it('a provider whose server is down does not keep the metric from the others, nor close from returning', async () => {
    const downPort = await freePort()
    const m = kitmetrics.multi(
      await openProvider(`graphite://127.0.0.1:${downPort}`, { log, intervalMs: 50, timeoutMs: 300 }),
      await openProvider(`influx://127.0.0.1:8086/${db}`, { log, intervalMs: 50, timeoutMs: 300 }),
    )
    const c = m.counter({ name: 'tskit_multi_down_total', help: 'multi with one backend down' })
    c.add(5)
    await eventually(async () => expect(await influxql('SELECT count FROM tskit_multi_down_total')).toMatchObject([{ count: 5 }]))
    const start = performance.now()
    await m.close()
    expect(performance.now() - start).toBeLessThan(1_000)
  })
})
