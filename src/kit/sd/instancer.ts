/**
 * Service discovery, the small part of Go kit's sd that a Kubernetes or
 * Compose deployment needs (go-kit/kit#843 sunsets the rest): an Instancer
 * publishes the current list of instance URLs of one remote service. `fixed`
 * is a list given in configuration; `dns` re-resolves a name on an interval
 * (A/AAAA through the system resolver, as a headless Service or Compose's
 * `--scale` gives you, or SRV, as Consul DNS gives you). On a failed lookup
 * the last good list is kept and the error reported, so a DNS hiccup does not
 * empty the pool. No Consul, etcd or ZooKeeper client: a DNS name covers them.
 */
import * as dnsp from 'node:dns/promises'
import { isIP } from 'node:net'

/** Event is what an Instancer publishes: the current instances, and the last resolution error, if any. */
export interface Event {
  readonly instances: readonly string[]
  readonly err?: Error
}

/** Instancer publishes the changing set of instance URLs of one service (Go kit's sd.Instancer). */
export interface Instancer {
  /** current returns the latest event. */
  current(): Event
  /** subscribe calls listener now with the current event and again on every change; it returns the unsubscribe. */
  subscribe(listener: (e: Event) => void): () => void
  /** stop ends any re-resolution; listeners hear nothing more. */
  stop(): void
}

/** normalize adds Go kit's default scheme to a bare host:port and drops a trailing slash. */
export function normalize(target: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`
  return withScheme.endsWith('/') ? withScheme.slice(0, -1) : withScheme
}

/** fixed returns an Instancer over a list that never changes (Go kit's sd.FixedInstancer). */
export function fixed(urls: readonly string[]): Instancer {
  const event: Event = { instances: [...new Set(urls.map(normalize))].sort() }
  return {
    current: () => event,
    subscribe(listener) {
      listener(event)
      return () => {}
    },
    stop() {},
  }
}

/** Resolver is the slice of node:dns/promises that dns() uses; tests may pass their own name system. */
export interface Resolver {
  lookup(host: string, opts: { all: true }): Promise<readonly { address: string; family: number }[]>
  resolveSrv(name: string): Promise<readonly { name: string; port: number; priority: number }[]>
}

/** DnsOptions tune re-resolution. */
export interface DnsOptions {
  /** everyMs is the interval between lookups (default 5 000). */
  readonly everyMs?: number
  readonly resolver?: Resolver
}

/**
 * dns returns an Instancer that resolves target now and every everyMs:
 * `dns://name:port[/path]` looks up every A/AAAA address of name and yields
 * `http://address:port/path`; `dns+srv://_service._proto.name[/path]` resolves
 * SRV records and yields `http://target:port/path` for the best priority.
 */
export function dns(target: string, opts: DnsOptions = {}): Instancer {
  const u = new URL(target)
  const resolver: Resolver = opts.resolver ?? dnsp
  const path = u.pathname === '/' ? '' : u.pathname
  const host = u.hostname.replace(/^\[|\]$/g, '')
  let resolve: () => Promise<string[]>
  if (u.protocol === 'dns:') {
    if (u.port === '') throw new TypeError(`sd.dns: ${target} needs a port (dns://name:port)`)
    resolve = async () => (await resolver.lookup(host, { all: true })).map((a) => `http://${hostPort(a.address, u.port)}${path}`)
  } else if (u.protocol === 'dns+srv:') {
    resolve = async () => {
      const records = await resolver.resolveSrv(host)
      const best = Math.min(...records.map((r) => r.priority))
      return records.filter((r) => r.priority === best).map((r) => `http://${hostPort(r.name, String(r.port))}${path}`)
    }
  } else {
    throw new TypeError(`sd.dns: ${target} must start with dns:// or dns+srv://`)
  }

  let event: Event = { instances: [] }
  const listeners = new Set<(e: Event) => void>()
  let stopped = false
  const publish = (next: Event): void => {
    const same = next.instances.join(' ') === event.instances.join(' ') && next.err?.message === event.err?.message
    event = next
    if (!same && !stopped) for (const l of listeners) l(event)
  }
  const refresh = async (): Promise<void> => {
    try {
      publish({ instances: [...new Set(await resolve())].sort() })
    } catch (err) {
      publish({ instances: event.instances, err: err instanceof Error ? err : new Error(String(err)) })
    }
  }
  void refresh()
  const timer = setInterval(() => void refresh(), opts.everyMs ?? 5_000)
  timer.unref()
  return {
    current: () => event,
    subscribe(listener) {
      listeners.add(listener)
      listener(event)
      return () => listeners.delete(listener)
    },
    stop() {
      stopped = true
      clearInterval(timer)
      listeners.clear()
    },
  }
}

/** hostPort joins a host and a port, bracketing IPv6 literals. */
function hostPort(host: string, port: string): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`
}

/** isDnsTarget reports whether target names a DNS instancer (dns:// or dns+srv://) rather than an instance. */
export function isDnsTarget(target: string): boolean {
  return /^dns(\+srv)?:\/\//i.test(target)
}

/**
 * fromTargets returns the Instancer a configuration value stands for: one
 * `dns://` or `dns+srv://` target is resolved with dns(); anything else is a
 * fixed list of URLs (a bare host:port gets http://).
 */
export function fromTargets(targets: readonly string[], opts: DnsOptions = {}): Instancer {
  const [first] = targets
  if (targets.length === 1 && first !== undefined && isDnsTarget(first)) return dns(first, opts)
  if (targets.some(isDnsTarget)) throw new TypeError(`sd: a dns:// target must stand alone, got ${targets.join(',')}`)
  return fixed(targets)
}
