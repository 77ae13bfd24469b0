/**
 * influx is a Provider for InfluxDB 1.x (Go kit's metrics/influx): metrics
 * are batched in memory and written every intervalMs in one
 * `POST /write?db=<db>&precision=ms` of line protocol, Go kit's WriteLoop.
 * The mapping keeps the Prometheus registry's names:
 *
 * - measurement: the metric name (`request_duration_seconds`,
 *   `addsvc_integers_summed_total`);
 * - tags: the metric's labels (service, method, transport, outcome), plus
 *   the provider's own tags (e.g. an instance name, so two processes writing
 *   the same series at the same millisecond do not overwrite each other);
 * - a counter: field `count`, the sum of adds since the last write (Go kit's);
 * - a histogram: fields `p50`, `p90`, `p95`, `p99` over the interval's
 *   observations (Go kit's), plus `count` and `sum`, so rates and means can
 *   be derived too;
 * - the timestamp: the write's, in milliseconds.
 *
 *   request_duration_seconds,service=addsvc,method=sum,transport=http,outcome=ok count=2,sum=0.003,p50=0.001,p90=0.002,p95=0.002,p99=0.002 1764600000000
 *
 * A series with nothing new is not written. A write is best effort, as in
 * Go kit: a failed one (server down, a non-2xx answer such as 404 for a
 * database that does not exist) is logged and its points dropped; the next
 * interval writes afresh. The database is not created here: that is the
 * operator's decision (retention policy and all). Quantiles come from a
 * sample of at most 1024 values per series and interval (see batch.ts);
 * count and sum are exact. Writes carry user-agent tskit-metrics, which the
 * telemetry preload does not trace. No client library: influxdata's
 * JavaScript client speaks the 2.x write API (/api/v2/write, which 1.x has
 * only from 1.8 on), and node-influx is a whole query client for what is
 * one POST of line protocol.
 */
import type { Logger } from '../log.js'
import type { Labels, Provider } from '../metrics.js'
import { batch, type HistogramPoint, quantiles } from './batch.js'
import { pushLoop } from './push.js'

/** InfluxOptions say where to write and how often. */
export interface InfluxOptions {
  /** url is the server's HTTP API base, e.g. http://127.0.0.1:8086. */
  readonly url: string
  readonly db: string
  readonly username?: string
  readonly password?: string
  /** tags are added to every point. */
  readonly tags?: Labels
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly log: Logger
}

/** influx returns a Provider writing to the InfluxDB 1.x database db at url. */
export function influx(opts: InfluxOptions): Provider {
  const b = batch()
  const write = new URL('/write', opts.url)
  write.searchParams.set('db', opts.db)
  write.searchParams.set('precision', 'ms')
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'tskit-metrics' }
  if (opts.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`
  }
  // A metric's own label wins over a provider tag of the same name (line protocol refuses a tag twice).
  const global = Object.entries(opts.tags ?? {})
  const tags = (labels: readonly (readonly [string, string])[]) => [...labels, ...global.filter(([k]) => !labels.some(([l]) => l === k))]
  const loop = pushLoop(
    async (signal) => {
      const { counters, histograms } = b.drain()
      const ts = Date.now()
      const lines = [
        ...counters.map((c) => line(c.name, tags(c.labels), [['count', c.value]], ts)),
        ...histograms.map((h) => line(h.name, tags(h.labels), fields(h), ts)),
      ].filter((l) => l !== undefined)
      if (lines.length === 0) return false
      const res = await fetch(write, { method: 'POST', headers, body: lines.join('\n'), signal })
      if (!res.ok) throw new Error(`influx write: ${res.status} ${(await res.text()).slice(0, 200)}`)
      await res.body?.cancel()
      return true
    },
    { intervalMs: opts.intervalMs, timeoutMs: opts.timeoutMs, log: opts.log.with({ backend: 'influx', db: opts.db }) },
  )
  return { counter: (o) => b.counter(o), histogram: (o) => b.histogram(o), close: () => loop.close() }
}

/** fields are a histogram point's values, in Go kit's names plus count and sum. */
function fields(h: HistogramPoint): [string, number][] {
  return [['count', h.count], ['sum', h.sum], ...quantiles.map(([k]) => [k, h.quantiles[k]] as [string, number])]
}

/**
 * line renders one point of line protocol, escaping as InfluxDB 1.x asks
 * (commas and spaces in a measurement; commas, equals signs and spaces in tag
 * keys and values; a line break, which would end the point, becomes a
 * space). Tags with an empty value and non-finite fields are left out,
 * because line protocol cannot carry them; a point with no field left is no
 * point at all.
 */
function line(name: string, tags: readonly (readonly [string, string])[], values: readonly [string, number][], ts: number): string | undefined {
  const t = tags.filter(([, v]) => v !== '').map(([k, v]) => `,${escape(k)}=${escape(v)}`)
  const f = values.filter(([, v]) => Number.isFinite(v)).map(([k, v]) => `${escape(k)}=${v}`)
  if (f.length === 0) return undefined
  return `${name.replace(/[, ]/g, '\\$&')}${t.join('')} ${f.join(',')} ${ts}`
}

function escape(s: string): string {
  return s.replace(/[\r\n]/g, ' ').replace(/[,= ]/g, '\\$&')
}
