/**
 * openProvider turns a metrics URL from configuration into a push backend's
 * Provider. The scheme picks the backend, and the backend's module is
 * imported only then, so a process that pushes nowhere never loads hot-shots
 * or opens a socket. Prometheus is not here: it is scraped, not opened, and
 * main always has it (kit/metrics' prometheus).
 *
 * | URL                                              | backend                                   |
 * |--------------------------------------------------|-------------------------------------------|
 * | `statsd://127.0.0.1:8125[?prefix=tskit]`         | StatsD over UDP, labels in the name       |
 * | `dogstatsd://127.0.0.1:8125[?prefix=tskit]`      | DogStatsD over UDP, labels as `#k:v` tags |
 * | `telegraf://127.0.0.1:8125[?prefix=tskit]`       | Telegraf's StatsD, labels as `,k=v` tags  |
 * | `influx://[user:pass@]127.0.0.1:8086/<database>` | InfluxDB 1.x over HTTP (`influxs://`: HTTPS) |
 * | `graphite://127.0.0.1:2003[/<prefix>]`           | carbon's plaintext receiver over TCP      |
 *
 * The port may be left out (8125, 8086, 2003). Each backend's file documents
 * how names and labels are mapped.
 */
import type { Logger } from '../log.js'
import type { Labels, Provider } from '../metrics.js'

/** OpenOptions are what every push backend shares. */
export interface OpenOptions {
  readonly log: Logger
  /** intervalMs is the time between pushes (default 10 000). */
  readonly intervalMs?: number
  /** timeoutMs bounds one push and close (default 5 000). */
  readonly timeoutMs?: number
  /** tags are added to every metric by the backends that have tags (InfluxDB, DogStatsD, Telegraf). */
  readonly tags?: Labels
}

/** schemes lists the URL schemes openProvider knows, for configuration to check at start. */
export const schemes = ['statsd:', 'dogstatsd:', 'telegraf:', 'influx:', 'influxs:', 'graphite:'] as const

/** openProvider opens the backend named by url; an unknown scheme or a missing database is an error, thrown at start. */
export async function openProvider(url: string, opts: OpenOptions): Promise<Provider> {
  const u = new URL(url)
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = (dflt: number) => (u.port === '' ? dflt : Number(u.port))
  // Logs and errors name the URL without its credentials.
  const shown = `${u.protocol}//${u.host}${u.pathname}`
  const common = { intervalMs: opts.intervalMs ?? 10_000, timeoutMs: opts.timeoutMs ?? 5_000, log: opts.log.with({ metrics: shown }) }
  switch (u.protocol) {
    case 'statsd:':
    case 'dogstatsd:':
    case 'telegraf:': {
      const { statsd } = await import('./statsd.js')
      const prefix = u.searchParams.get('prefix')
      return statsd({
        ...common,
        host,
        port: port(8125),
        flavor: u.protocol.slice(0, -1) as 'statsd' | 'dogstatsd' | 'telegraf',
        ...(prefix ? { prefix } : {}),
        ...(opts.tags ? { tags: opts.tags } : {}),
      })
    }
    case 'influx:':
    case 'influxs:': {
      const db = decodeURIComponent(u.pathname.slice(1))
      if (db === '' || db.includes('/')) throw new Error(`metrics URL ${shown}: name the database as the path, e.g. influx://127.0.0.1:8086/tskit`)
      const { influx } = await import('./influx.js')
      return influx({
        ...common,
        url: `${u.protocol === 'influxs:' ? 'https' : 'http'}://${u.hostname}:${port(8086)}`,
        db,
        ...(u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : {}),
        ...(opts.tags ? { tags: opts.tags } : {}),
      })
    }
    case 'graphite:': {
      const { graphite } = await import('./graphite.js')
      const prefix = decodeURIComponent(u.pathname).split('/').filter(Boolean).join('.')
      return graphite({ ...common, host, port: port(2003), ...(prefix ? { prefix } : {}) })
    }
    default:
      throw new Error(`metrics URL ${shown}: unknown scheme; use one of ${schemes.map((s) => `${s}//`).join(', ')}`)
  }
}
