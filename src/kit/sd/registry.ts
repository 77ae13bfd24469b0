/**
 * The one place that maps a registry URL to its backend: `etcd://`, `zk://`
 * and `consul://`. Backends are loaded with dynamic imports, so a process
 * that uses none of them never loads etcd3, node-zookeeper-client or the
 * Consul code. A registry URL names the registry's servers (comma-separated
 * for an etcd cluster or a ZooKeeper ensemble) and a path:
 *
 * | backend | instancer target (a service) | registration root |
 * |---|---|---|
 * | etcd | `etcd://127.0.0.1:2379/tskit/addsvc` (keys under `/tskit/addsvc/`) | `etcd://127.0.0.1:2379/tskit` |
 * | ZooKeeper | `zk://127.0.0.1:2181/tskit/addsvc` (children of the node) | `zk://127.0.0.1:2181/tskit` |
 * | Consul | `consul://127.0.0.1:8500/addsvc` (the service's name) | `consul://127.0.0.1:8500` |
 *
 * TTL: 10 s by default, Go kit's own etcd default (NewTTLOption(3s, 10s):
 * a heartbeat every ~3 s, a 10 s lease). A crashed instance stays listed for
 * at most that long, and while it is, consumers' retries and per-instance
 * breakers route around it (a refused connection is retried at once), so a
 * shorter TTL buys little and costs heartbeats; a graceful instance
 * deregisters and is gone at once.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from '../log.js'
import { nop } from '../log.js'
import { fromTargets, type Instancer } from './instancer.js'
import type { Registrar } from './registrar.js'

/** RegistryOptions tune a registry connection; all are optional. */
export interface RegistryOptions {
  /** log receives connection trouble (default: discarded). */
  readonly log?: Logger
  /** ttlMs is how long a registration outlives a process that died without deregistering (default 10 000). */
  readonly ttlMs?: number
  /** id names this instance in the registry (default: the advertised host:port and a random suffix). */
  readonly id?: string
}

/** defaultTtlMs is the registration TTL when none is given. */
export const defaultTtlMs = 10_000

const defaultPorts = { etcd: 2379, zk: 2181, consul: 8500 } as const
type Scheme = keyof typeof defaultPorts

/** Parsed is a registry URL taken apart. */
interface Parsed {
  readonly scheme: Scheme
  /** hosts are host:port, with the scheme's default port filled in. */
  readonly hosts: readonly string[]
  /** path is '' or starts with '/', without a trailing slash. */
  readonly path: string
}

const shape = /^(etcd|zk|consul):\/\/([^/?#]+)(\/[^?#]*)?$/i

/** isRegistryTarget reports whether target names a service registry (etcd://, zk:// or consul://). */
export function isRegistryTarget(target: string): boolean {
  return /^(etcd|zk|consul):\/\//i.test(target)
}

/** parse takes a registry URL apart, or throws a TypeError naming it and the expected form. */
function parse(url: string, what: string): Parsed {
  const bad = (why: string): TypeError =>
    new TypeError(`sd: ${JSON.stringify(url)} is not a valid ${what} (${why}); expected etcd://host:port/path, zk://host:port/path or consul://host:port`)
  const m = shape.exec(url)
  if (!m) throw bad(isRegistryTarget(url) ? 'malformed' : 'unknown scheme')
  const scheme = (m[1] as string).toLowerCase() as Scheme
  const hosts = (m[2] as string).split(',').map((h) => {
    let u: URL
    try {
      u = new URL(`http://${h}`)
    } catch {
      throw bad(`bad host ${JSON.stringify(h)}`)
    }
    if (u.username !== '' || u.pathname !== '/' || h === '') throw bad(`bad host ${JSON.stringify(h)}`)
    return `${u.hostname}:${u.port || defaultPorts[scheme]}`
  })
  const path = (m[3] ?? '').replace(/\/+$/, '')
  if (/\/\//.test(path)) throw bad('empty path segment')
  return { scheme, hosts, path }
}

/**
 * openInstancer connects to the registry target names and returns an
 * Instancer of the service's instance URLs. It resolves after the first read
 * (which may have failed: current().err then says why, and the instancer
 * keeps trying); stop() closes the connection.
 */
export async function openInstancer(target: string, opts: RegistryOptions = {}): Promise<Instancer> {
  const p = parse(target, 'registry target')
  const log = opts.log ?? nop()
  if (p.path === '') throw new TypeError(`sd: ${JSON.stringify(target)} names no service; expected e.g. ${p.scheme}://${p.hosts[0]}/${p.scheme === 'consul' ? '' : 'tskit/'}addsvc`)
  switch (p.scheme) {
    case 'etcd': {
      const { etcdInstancer } = await import('./etcd.js')
      return etcdInstancer(`${p.path}/`, { hosts: p.hosts, log })
    }
    case 'zk': {
      const { zkInstancer } = await import('./zookeeper.js')
      return zkInstancer(p.path, { hosts: p.hosts, log })
    }
    case 'consul': {
      const service = p.path.slice(1)
      if (service.includes('/')) throw new TypeError(`sd: ${JSON.stringify(target)}: a Consul target names one service, e.g. consul://${p.hosts[0]}/addsvc`)
      const { consulInstancer } = await import('./consul.js')
      return consulInstancer(service, { agent: `http://${p.hosts[0]}`, log })
    }
  }
}

/**
 * openRegistrar returns a Registrar that announces advertise (the URL
 * consumers call) as an instance of service under registerUrl. Nothing is
 * sent until register().
 */
export async function openRegistrar(registerUrl: string, service: string, advertise: string, opts: RegistryOptions = {}): Promise<Registrar> {
  const p = parse(registerUrl, 'registration URL')
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(service)) throw new TypeError(`sd: service name ${JSON.stringify(service)} must be letters, digits, '.', '_' or '-'`)
  let adv: URL
  try {
    adv = new URL(advertise)
  } catch {
    throw new TypeError(`sd: advertise URL ${JSON.stringify(advertise)} is not a URL; expected e.g. http://10.0.0.5:8081`)
  }
  if (!/^https?:$/.test(adv.protocol)) throw new TypeError(`sd: advertise URL ${JSON.stringify(advertise)} must be http:// or https://`)
  const url = adv.href.replace(/\/$/, '')
  const id = opts.id ?? `${adv.host}-${randomUUID().slice(0, 8)}`
  if (!/^[^/\s]+$/.test(id)) throw new TypeError(`sd: instance id ${JSON.stringify(id)} must not contain '/' or spaces`)
  const ttlMs = opts.ttlMs ?? defaultTtlMs
  if (!(ttlMs > 0)) throw new TypeError(`sd: ttlMs must be positive, got ${ttlMs}`)
  const log = opts.log ?? nop()
  switch (p.scheme) {
    case 'etcd': {
      const { etcdRegistrar } = await import('./etcd.js')
      return etcdRegistrar(`${p.path}/${service}/${id}`, url, { hosts: p.hosts, log, ttlMs })
    }
    case 'zk': {
      const { zkRegistrar } = await import('./zookeeper.js')
      return zkRegistrar(`${p.path}/${service}`, id, url, { hosts: p.hosts, log, sessionTimeoutMs: ttlMs })
    }
    case 'consul': {
      if (p.path !== '') throw new TypeError(`sd: ${JSON.stringify(registerUrl)}: a Consul registration URL has no path, e.g. consul://${p.hosts[0]}`)
      const { consulRegistrar } = await import('./consul.js')
      return consulRegistrar({ id, service, advertise: url, ttlMs }, { agent: `http://${p.hosts[0]}`, log })
    }
  }
}

/**
 * discover returns the Instancer a <SERVICE>_URL value stands for: one
 * registry target (etcd://, zk://, consul://) is watched there; one dns:// or
 * dns+srv:// target is re-resolved; anything else is a fixed list of URLs.
 */
export async function discover(targets: readonly string[], opts: RegistryOptions = {}): Promise<Instancer> {
  const [first] = targets
  if (targets.length === 1 && first !== undefined && isRegistryTarget(first)) return openInstancer(first, opts)
  return fromTargets(targets)
}
