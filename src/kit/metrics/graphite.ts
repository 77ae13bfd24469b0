/**
 * graphite is a Provider for Graphite's carbon (Go kit's metrics/graphite):
 * metrics are batched in memory and written every intervalMs over one TCP
 * connection in the plaintext protocol, `path value timestamp\n`, Go kit's
 * WriteLoop. Graphite has no tags here (Go kit: "label values not
 * supported"), so the labels go into the path (see names.ts), after the
 * prefix:
 *
 *   tskit.addsvc_integers_summed_total 7 1764600000
 *   tskit.request_duration_seconds.addsvc.sum.http.ok.count 2 1764600000
 *   tskit.request_duration_seconds.addsvc.sum.http.ok.sum 0.003 1764600000
 *   tskit.request_duration_seconds.addsvc.sum.http.ok.p50 0.001 1764600000   (also .p90 .p95 .p99)
 *
 * A counter, and a histogram's count and sum, are written as running totals
 * since the process started, every interval, as Prometheus exposes them
 * (graph them with nonNegativeDerivative or perSecond). Go kit writes the
 * adds since the last write instead, but whisper keeps one value per slot of
 * its finest retention (Debian's carbon: 60 s) and a second write into a
 * slot replaces the first: with deltas, pushing every 10 s would lose five
 * counts in six, and a lost write would lose its counts for good; a total
 * loses neither. The quantiles (Go kit's p50, p90, p95, p99, as gauges) are
 * of the interval's observations, written when there were some. A write is
 * best effort, as in Go kit: when it fails, the connection is dropped; the
 * next interval reconnects (Go kit's conn.Manager) and writes the totals
 * afresh. A server that stops reading cannot grow our buffer: the write is
 * bounded by timeoutMs, and then the connection is cut.
 */
import { connect, type Socket } from 'node:net'
import type { Logger } from '../log.js'
import type { Provider } from '../metrics.js'
import { batch, quantiles, type Snapshot } from './batch.js'
import { dotted } from './names.js'
import { pushLoop } from './push.js'

/** GraphiteOptions say where carbon listens and how often to write. */
export interface GraphiteOptions {
  readonly host: string
  readonly port: number
  /** prefix starts every path, e.g. `tskit` or `prod.tskit`; none by default. */
  readonly prefix?: string
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly log: Logger
}

/** graphite returns a Provider writing to the carbon plaintext receiver at host:port. */
export function graphite(opts: GraphiteOptions): Provider {
  const b = batch()
  const prefix = opts.prefix ? `${opts.prefix.replace(/\.+$/, '')}.` : ''
  let socket: Socket | undefined
  const drop = () => {
    socket?.destroy()
    socket = undefined
  }
  const totals = new Map<string, number>()
  const loop = pushLoop(
    async (signal) => {
      const text = render(b.drain(), totals, prefix, Math.floor(Date.now() / 1000))
      if (text === '') return false
      signal.addEventListener('abort', drop, { once: true })
      try {
        // A connection the server closed (or that failed) is not writable: dial afresh.
        if (socket && !socket.writable) drop()
        const s = socket ?? (await dial(opts.host, opts.port, signal))
        socket = s
        await new Promise<void>((resolve, reject) => s.write(text, (err) => (err ? reject(err) : resolve())))
        return true
      } catch (err) {
        drop()
        throw err
      } finally {
        signal.removeEventListener('abort', drop)
      }
    },
    { intervalMs: opts.intervalMs, timeoutMs: opts.timeoutMs, log: opts.log.with({ backend: 'graphite' }) },
  )
  return {
    counter: (o) => b.counter(o),
    histogram: (o) => b.histogram(o),
    async close() {
      await loop.close()
      // Unref'd: a server that stopped reading must not keep the process alive.
      socket?.end().unref()
      socket = undefined
    },
  }
}

/** dial connects to carbon, giving up when signal aborts. */
function dial(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port })
    const abort = () => (s.destroy(), reject(signal.reason))
    signal.addEventListener('abort', abort, { once: true })
    s.once('error', reject)
    s.once('connect', () => {
      signal.removeEventListener('abort', abort)
      s.off('error', reject)
      // A reset between writes must not crash the process: the socket just closes, and the next write redials.
      s.on('error', () => s.destroy())
      resolve(s)
    })
  })
}

/** render adds a snapshot to the running totals and writes the totals, then the snapshot's quantiles, as plaintext lines. */
function render(snap: Snapshot, totals: Map<string, number>, prefix: string, ts: number): string {
  const add = (path: string, v: number) => totals.set(path, (totals.get(path) ?? 0) + v)
  let quantileLines = ''
  for (const c of snap.counters) add(`${prefix}${dotted(c)}`, c.value)
  for (const h of snap.histograms) {
    const path = `${prefix}${dotted(h)}`
    add(`${path}.count`, h.count)
    add(`${path}.sum`, h.sum)
    for (const [k] of quantiles) quantileLines += `${path}.${k} ${h.quantiles[k]} ${ts}\n`
  }
  let out = ''
  for (const [path, v] of totals) out += `${path} ${v} ${ts}\n`
  return out + quantileLines
}
