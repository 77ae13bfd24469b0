/**
 * Service discovery on ZooKeeper through node-zookeeper-client, in Go kit's
 * sd/zk layout: each instance is an ephemeral node under `<path>/<service>`
 * whose data is the instance URL. The instancer lists the children with a
 * watch, reads each child's data, and re-arms the watch on every change (ZK
 * watches fire once). The registrar creates its node in its own session; a
 * process that dies stops sending heartbeats and the server ends the session
 * after its timeout, which deletes the node. Nodes are named by the unique
 * instance id rather than made sequential: then creating one again after a
 * lost reply is idempotent (Go kit needs "protected" sequential names for
 * that). A session the server expired is replaced by a new one, and the
 * registrar registers again in it. Parent paths are created as needed.
 */
import zookeeper, { type Client, type Exception, type Stat } from 'node-zookeeper-client'
import type { Logger } from '../log.js'
import { cache, coalesce, errorMessage } from './cache.js'
import type { Instancer } from './instancer.js'
import { once, type Registrar } from './registrar.js'

/** ZkOptions name the ensemble and where connection trouble is logged. */
export interface ZkOptions {
  /** hosts are the ensemble's servers as host:port. */
  readonly hosts: readonly string[]
  readonly log: Logger
  /** sessionTimeoutMs is asked of the server, which clamps it to its own bounds (default 10 000). */
  readonly sessionTimeoutMs?: number
}

// How long the first connection may take before we report the ensemble unreachable.
const connectTimeoutMs = 5_000
// A read that has no answer after this long counts as failed (and is tried again on the next change).
const callTimeoutMs = 10_000
// How long deregister waits for the node's removal before closing the session anyway.
const removeTimeoutMs = 2_000

/** Session is one ZooKeeper session kept up, replaced by a new one when the server expires it. */
interface Session {
  /** client is the current session's client. */
  client(): Client
  close(): void
}

/** SessionEvents are told about the session's state. */
interface SessionEvents {
  /** connected runs on every (re)connection; fresh is true for a new session, whose ephemeral nodes and watches are gone. */
  connected(client: Client, fresh: boolean): void
  /** lost runs when the connection drops; the client reconnects by itself. */
  lost(err: Error): void
}

/** keepSession connects to the ensemble and keeps a session up until close(). */
function keepSession(opts: ZkOptions, on: SessionEvents): Session {
  let closed = false
  let current: Client
  const start = (): void => {
    const client = zookeeper.createClient(opts.hosts.join(','), {
      sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
      spinDelay: 500,
      retries: 0,
    })
    current = client
    let fresh = true
    // The library bounds the TCP connect but not the session handshake after it: a server that
    // accepts the socket and never answers (one still starting, on a loaded machine) would hold a
    // new client for ever. A client that has had no session in time is replaced by a new one; it
    // never had a session, so nothing of ours lived in it.
    const handshake = setTimeout(() => {
      if (closed || client !== current) return
      opts.log.warn('zookeeper: no session within the connect timeout; trying a new connection', { hosts: opts.hosts.join(',') })
      start()
      abandon(client)
    }, connectTimeoutMs)
    handshake.unref()
    client.on('connected', () => {
      clearTimeout(handshake)
      if (closed || client !== current) return
      on.connected(client, fresh)
      fresh = false
    })
    client.on('disconnected', () => {
      if (!closed && client === current) on.lost(new Error(`zookeeper: disconnected from ${opts.hosts.join(',')}`))
    })
    client.on('expired', () => {
      if (closed || client !== current) return
      opts.log.warn('zookeeper: session expired; starting a new one', { hosts: opts.hosts.join(',') })
      start()
      client.close()
    })
    client.connect()
  }
  start()
  return {
    client: () => current,
    close() {
      closed = true
      current.close()
    },
  }
}

/** abandon closes a client that never connected, and its socket: close() alone only queues a request it never sends. */
function abandon(client: Client): void {
  client.close()
  ;(client as unknown as { connectionManager?: { socket?: { destroy(): void } } }).connectionManager?.socket?.destroy()
}

/** call adapts one callback-style client call to a promise. */
function call<T>(run: (done: (err: Error | Exception | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))
}

/** within rejects if p has not settled after ms. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** isCode reports whether err is the ZooKeeper exception with that code. */
function isCode(err: unknown, code: number): boolean {
  return err instanceof zookeeper.Exception && err.getCode() === code
}

/**
 * zkInstancer watches the children of path and publishes their data; it
 * resolves after the first read, or after the first connection attempt
 * timed out (then current().err says so and the client keeps trying).
 */
export async function zkInstancer(path: string, opts: ZkOptions): Promise<Instancer> {
  const log = opts.log.with({ registry: 'zookeeper', path })
  let firstRead: () => void = () => {}
  const first = new Promise<void>((resolve) => (firstRead = resolve))
  const c = cache(() => session.close())
  // One watcher function for every read: the library does not register the same function twice.
  const watcher = (): void => void refresh()

  const read = async (client: Client): Promise<void> => {
    try {
      const children = await within(callTimeoutMs, call<string[]>((done) => client.getChildren(path, watcher, done)))
      const data = await Promise.all(
        children.map((child) =>
          // A child deleted between the listing and the read is simply gone.
          within(callTimeoutMs, call<Buffer | undefined>((done) => client.getData(`${path}/${child}`, done))).catch((err: unknown) => {
            if (isCode(err, zookeeper.Exception.NO_NODE)) return undefined
            throw err
          }),
        ),
      )
      c.update(data.flatMap((d) => (d && d.length > 0 ? [d.toString('utf8')] : [])))
    } catch (err) {
      if (c.stopped()) return
      if (isCode(err, zookeeper.Exception.NO_NODE)) {
        // Nothing registered yet: create the path so that the watch can be set, then read again.
        try {
          await call<string>((done) => client.mkdirp(path, done))
        } catch (e) {
          c.fail(e)
          return
        }
        return read(client)
      }
      log.warn('zookeeper: reading instances failed; keeping the last list', { err: errorMessage(err) })
      c.fail(err)
    } finally {
      firstRead()
    }
  }
  const refresh = coalesce(() => read(session.client()))

  const session = keepSession(opts, {
    connected: () => void refresh(),
    lost: (err) => {
      log.warn('zookeeper: connection lost; reconnecting', { err: err.message })
      c.fail(err)
    },
  })
  const timer = setTimeout(() => {
    c.fail(new Error(`zookeeper: cannot connect to ${opts.hosts.join(',')} within ${connectTimeoutMs} ms`))
    firstRead()
  }, connectTimeoutMs)
  await first
  clearTimeout(timer)
  return c.instancer
}

/**
 * zkRegistrar returns a Registrar that keeps the ephemeral node `<parent>/<id>`
 * holding value alive in its session; opts.sessionTimeoutMs is how long the
 * node outlives a process that died.
 */
export function zkRegistrar(parent: string, id: string, value: string, opts: ZkOptions): Registrar {
  const node = `${parent}/${id}`
  const log = opts.log.with({ registry: 'zookeeper', node, value })
  let session: Session | undefined
  let closed = false

  const create = async (client: Client): Promise<void> => {
    await call<string>((done) => client.mkdirp(parent, done))
    try {
      await call<string>((done) => client.create(node, Buffer.from(value), zookeeper.CreateMode.EPHEMERAL, done))
    } catch (err) {
      if (!isCode(err, zookeeper.Exception.NODE_EXISTS)) throw err
      // Ours if this session owns it (a create whose reply was lost); anyone else's is a clash.
      const stat = await call<Stat | undefined>((done) => client.exists(node, done))
      if (!stat || !stat.ephemeralOwner.equals(client.getSessionId())) {
        throw new Error(`sd.zookeeper: ${node} is held by another session; instance ids must be unique`)
      }
    }
  }

  return {
    register() {
      if (closed) return Promise.reject(new Error(`sd.zookeeper: ${node} was deregistered; make a new registrar`))
      return new Promise<void>((resolve, reject) => {
        let registered = false
        const timer = setTimeout(() => {
          s.close()
          reject(new Error(`sd.zookeeper: cannot connect to ${opts.hosts.join(',')} within ${connectTimeoutMs} ms`))
        }, connectTimeoutMs)
        const s = keepSession(opts, {
          connected(client, fresh) {
            // A reconnection within the same session keeps the node; a new session has lost it.
            if (!fresh) return
            create(client).then(
              () => {
                if (registered) return log.info('zookeeper: registered again in a new session')
                registered = true
                clearTimeout(timer)
                if (closed) {
                  s.close()
                  return reject(new Error(`sd.zookeeper: ${node} was deregistered while registering`))
                }
                session = s
                resolve()
              },
              (err: unknown) => {
                log.warn('zookeeper: registering failed', { err: errorMessage(err) })
                if (registered) return
                clearTimeout(timer)
                s.close()
                reject(err)
              },
            )
          },
          lost: (err) => log.warn('zookeeper: connection lost; reconnecting', { err: err.message }),
        })
      })
    },
    deregister: once(async () => {
      closed = true
      const s = session
      session = undefined
      if (!s) return
      // Closing the session deletes the node too; removing it first is explicit and just as fast.
      const removed = call<void>((done) => s.client().remove(node, -1, (err) => done(err, undefined)))
      await within(removeTimeoutMs, removed).catch((err: unknown) => {
        if (!isCode(err, zookeeper.Exception.NO_NODE)) log.warn('zookeeper: removing the node failed; closing the session removes it', { err: errorMessage(err) })
      })
      s.close()
    }),
  }
}
