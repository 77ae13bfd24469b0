// A running monolith pushes the request-duration and business metrics to
// every backend METRICS_URLS names, at once: InfluxDB (line protocol over
// HTTP), Graphite (carbon's plaintext port) and StatsD (Etsy's daemon), each
// read back from the real server after the process's final push at SIGTERM.
// Each backend joins when its server answers on 127.0.0.1 (.ci/run starts
// them) and is named plainly when skipped.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { answers, spawnMain } from '../helpers/process.js'

const influx = 'http://127.0.0.1:8086'
const whisperDir = '/tmp/tskit-carbon/storage/whisper'
const up = {
  influx: await answers(8086),
  graphite: (await answers(2003)) && existsSync(whisperDir),
  statsd: await answers(8126),
}
for (const [name, ok] of Object.entries(up)) if (!ok) console.warn(`metrics backends test: ${name} SKIPPED, its server does not answer on 127.0.0.1`)
const any = Object.values(up).some(Boolean)

const id = `tskit_main_${randomUUID().slice(0, 8)}`

/** eventually polls read until it returns a value, for at most 10 s. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const v = await read().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${what}: nothing after 10 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** influxQuery runs InfluxQL on the test's database and returns the first series' rows. */
async function influxQuery(q: string): Promise<Record<string, unknown>[] | undefined> {
  const res = await fetch(`${influx}/query?${new URLSearchParams({ db: id, q })}`, { method: 'POST' })
  const body = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }
  const s = body.results[0]?.series?.[0]
  return s && s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])))
}

/** whisper reads the values of one Graphite path from carbon's whisper file. */
async function whisper(path: string): Promise<number[] | undefined> {
  const file = join(whisperDir, ...path.split('.')) + '.wsp'
  if (!existsSync(file)) return undefined
  const { stdout } = await promisify(execFile)('whisper-fetch', ['--json', `--from=${Math.floor(Date.now() / 1000) - 300}`, '--drop=nulls', file])
  const values = (JSON.parse(stdout) as { values: (number | null)[] }).values.filter((v): v is number => v !== null)
  return values.length > 0 ? values : undefined
}

/** statsdDump asks Etsy StatsD's management port for its counters or timers. */
async function statsdDump(kind: 'counters' | 'timers'): Promise<string> {
  const s = connect(8126, '127.0.0.1')
  s.setEncoding('ascii')
  let out = ''
  s.on('data', (d: string) => (out += d))
  s.write(`${kind}\n`)
  const deadline = Date.now() + 2_000
  while (!out.includes('END') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  s.destroy()
  return out
}

describe.skipIf(!any)('a monolith pushing to every metrics backend at once', () => {
  afterAll(async () => {
    if (up.influx) await fetch(`${influx}/query?${new URLSearchParams({ q: `DROP DATABASE ${id}` })}`, { method: 'POST' })
    if (up.graphite) await rm(join(whisperDir, id), { recursive: true, force: true })
  })

  it('delivers request_duration_seconds and addsvc_integers_summed_total to each', { timeout: 60_000 }, async () => {
    if (up.influx) await fetch(`${influx}/query?${new URLSearchParams({ q: `CREATE DATABASE ${id}` })}`, { method: 'POST' })
    const urls = [
      ...(up.influx ? [`influx://127.0.0.1:8086/${id}`] : []),
      ...(up.graphite ? [`graphite://127.0.0.1:2003/${id}`] : []),
      ...(up.statsd ? [`statsd://127.0.0.1:8125?prefix=${id}.`] : []),
    ]
    const p = await spawnMain({ SERVICES: 'addsvc', METRICS_URLS: urls.join(','), METRICS_PUSH_INTERVAL_MS: '60000' })
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${p.url}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": 20, "b": 22}' })
      expect(await res.json()).toEqual({ v: 42 })
    }
    // The final push happens at shutdown, after the listeners drained.
    expect(await p.stop('SIGTERM')).toBe(0)

    if (up.influx) {
      const durations = await eventually('influx request_duration_seconds', () =>
        influxQuery(`SELECT "count" FROM request_duration_seconds WHERE service = 'addsvc' AND "method" = 'sum' AND outcome = 'ok' AND "role" = 'server'`),
      )
      expect(durations.reduce((n, r) => n + Number(r.count), 0)).toBe(3)
      const ints = await eventually('influx addsvc_integers_summed_total', () => influxQuery('SELECT "count" FROM addsvc_integers_summed_total'))
      expect(ints.reduce((n, r) => n + Number(r.count), 0)).toBe(6)
    }
    if (up.graphite) {
      expect(await eventually('graphite duration count', () => whisper(`${id}.request_duration_seconds.addsvc.sum.server.http.ok.count`))).toContain(3)
      expect(await eventually('graphite integers', () => whisper(`${id}.addsvc_integers_summed_total`))).toContain(6)
    }
    if (up.statsd) {
      const counters = await eventually('statsd counters', async () => {
        const d = await statsdDump('counters')
        return d.includes(`'${id}.addsvc_integers_summed_total': 6`) ? d : undefined
      })
      expect(counters).toContain(`'${id}.addsvc_integers_summed_total': 6`)
      const timers = await eventually('statsd timers', async () => {
        const d = await statsdDump('timers')
        return d.includes(`'${id}.request_duration_seconds.addsvc.sum.server.http.ok'`) ? d : undefined
      })
      expect(timers).toContain(`${id}.request_duration_seconds.addsvc.sum.server.http.ok`)
    }
  })
})
