/**
 * Service discovery on etcd v3 through the etcd3 package, in Go kit's
 * sd/etcdv3 layout: one key per instance, `<prefix><instance-id>`, whose
 * value is the instance URL. The instancer watches the prefix and, as Go
 * kit's does, re-reads the whole prefix on every change, so it never has to
 * reason about partial updates. The registrar puts its key under a lease
 * that the client keeps alive (a heartbeat every third of the TTL); a lost
 * lease is granted again, deregister revokes it (etcd deletes the key at
 * once), and a process that dies stops heartbeating, so etcd deletes its key
 * when the TTL runs out. etcd raises a TTL below its minimum (2 s by
 * default) to that minimum.
 */
import { Etcd3, type Lease, type Watcher } from 'etcd3'
import type { Logger } from '../log.js'
import { cache, coalesce, errorMessage } from './cache.js'
import type { Instancer } from './instancer.js'
import { once, type Registrar } from './registrar.js'

/** EtcdOptions name the cluster and where connection trouble is logged. */
export interface EtcdOptions {
  /** hosts are the cluster's client endpoints as host:port. */
  readonly hosts: readonly string[]
  readonly log: Logger
}

// Every unary call (a read, a grant, a revoke) gives up after this long, so
// a dead cluster is reported promptly instead of queueing calls.
const callTimeoutMs = 3_000
// Pause before granting a lost lease again.
const retryMs = 1_000

/** connect builds a client; it dials lazily, on the first call. */
function connect(hosts: readonly string[]): Etcd3 {
  return new Etcd3({
    hosts: hosts.map((h) => `http://${h}`),
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (c) => (c.isStream ? {} : { deadline: new Date(Date.now() + callTimeoutMs) }),
  })
}

/**
 * etcdInstancer watches every key under prefix (which should end with '/')
 * and publishes their values; it resolves after the first read, which may
 * have failed (then current().err says why and the watch keeps trying).
 */
export async function etcdInstancer(prefix: string, opts: EtcdOptions): Promise<Instancer> {
  const client = connect(opts.hosts)
  const log = opts.log.with({ registry: 'etcd', prefix })
  let watcher: Watcher | undefined
  const c = cache(() => {
    const w = watcher
    void (w ? w.cancel() : Promise.resolve()).catch(() => undefined).finally(() => client.close())
  })

  const refresh = coalesce(async () => {
    try {
      c.update(Object.values(await client.getAll().prefix(prefix).strings()))
    } catch (err) {
      if (c.stopped()) return
      log.warn('etcd: reading instances failed; keeping the last list', { err: errorMessage(err) })
      c.fail(err)
    }
  })

  client
    .watch()
    .prefix(prefix)
    .create()
    .then(
      (w) => {
        if (c.stopped()) return void w.cancel().catch(() => undefined)
        watcher = w
        w.on('data', () => void refresh())
        w.on('connected', () => void refresh())
        w.on('disconnected', (err) => {
          log.warn('etcd: watch disconnected; reconnecting', { err: err.message })
          c.fail(err)
        })
        w.on('error', (err) => {
          log.error('etcd: watch failed', { err: err.message })
          c.fail(err)
        })
        // Catch any change made between the first read and the watch taking hold.
        void refresh()
      },
      (err: unknown) => {
        if (!c.stopped()) log.error('etcd: cannot watch', { err: errorMessage(err) })
      },
    )
  await refresh()
  return c.instancer
}

/** EtcdRegistrarOptions add the lease's TTL. */
export interface EtcdRegistrarOptions extends EtcdOptions {
  /** ttlMs is the lease TTL, rounded up to whole seconds. */
  readonly ttlMs: number
}

/** etcdRegistrar returns a Registrar that keeps key = value alive under a lease. */
export function etcdRegistrar(key: string, value: string, opts: EtcdRegistrarOptions): Registrar {
  const client = connect(opts.hosts)
  const log = opts.log.with({ registry: 'etcd', key, value })
  const ttl = Math.max(1, Math.ceil(opts.ttlMs / 1000))
  let lease: Lease | undefined
  let closed = false

  const attempt = async (): Promise<void> => {
    const l = client.lease(ttl)
    lease = l
    l.on('lost', (err) => {
      if (closed || lease !== l) return
      lease = undefined
      log.warn('etcd: lease lost; registering again', { err: err.message })
      setTimeout(repair, retryMs).unref()
    })
    try {
      await l.put(key).value(value)
    } catch (err) {
      if (lease === l) lease = undefined
      l.release()
      throw err
    }
  }
  const repair = (): void => {
    if (closed || lease) return
    attempt().then(
      () => log.info('etcd: registered again'),
      (err: unknown) => {
        log.warn('etcd: registering again failed; will retry', { err: errorMessage(err) })
        if (!closed) setTimeout(repair, retryMs).unref()
      },
    )
  }

  return {
    async register() {
      if (closed) throw new Error(`sd.etcd: ${key} was deregistered; make a new registrar`)
      await attempt()
    },
    deregister: once(async () => {
      closed = true
      const l = lease
      lease = undefined
      try {
        await l?.revoke()
      } catch (err) {
        log.warn('etcd: revoking the lease failed; the key expires with its TTL', { err: errorMessage(err) })
      }
      client.close()
    }),
  }
}
