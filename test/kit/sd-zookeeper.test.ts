// Service discovery on ZooKeeper, against the real server on 127.0.0.1:2181
// (started by .ci/services/zookeeper.sh; skipped, saying so, when it does not
// answer). Every run works under its own random root node and removes it
// afterwards. Instances come and go under a steady stream of balanced calls
// with no failure; the ephemeral node of a process that was killed vanishes
// when the server ends its session; bad registry URLs are refused with
// their name.
import { randomUUID } from 'node:crypto'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import zookeeper, { type Client } from 'node-zookeeper-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openInstancer, openRegistrar } from '../../src/kit/sd/registry.js'
import { answers, freePort } from '../helpers/net.js'
import { comeAndGo, diesWithoutDeregistering } from '../helpers/sd-registry.js'

const up = await answers(2181)
if (!up) console.warn('sd-zookeeper.test.ts: SKIPPED the ZooKeeper suite, no ZooKeeper server answers on 127.0.0.1:2181 (start it with .ci/services/zookeeper.sh start)')

/** call adapts one callback-style client call to a promise. */
const call = <T>(run: (done: (err: unknown, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))))

describe.skipIf(!up)('ZooKeeper registry', () => {
  const root = `/tskit-test-${randomUUID().slice(0, 8)}`
  const registry = `zk://127.0.0.1:2181${root}`
  let zk: Client
  beforeAll(async () => {
    zk = zookeeper.createClient('127.0.0.1:2181')
    const connected = new Promise<void>((resolve) => zk.once('connected', () => resolve()))
    zk.connect()
    await connected
  })
  afterAll(async () => {
    const tree = zk as unknown as { removeRecursive(path: string, cb: (err: unknown) => void): void }
    await call<void>((done) => tree.removeRecursive(root, (err) => done(err, undefined))).catch(() => undefined)
    zk.close()
  })

  it('keeps one ephemeral node per instance, <root>/<service>/<id> holding the URL, creating parents; gone after deregister', async () => {
    const r = await openRegistrar(registry, 'layout', 'http://127.0.0.1:8081/', { id: 'one' })
    await r.register()
    expect(await call<string[]>((done) => zk.getChildren(`${root}/layout`, done))).toEqual(['one'])
    const data = await call<Buffer>((done) => zk.getData(`${root}/layout/one`, done))
    expect(data.toString()).toBe('http://127.0.0.1:8081')
    const stat = await call<{ ephemeralOwner: Buffer }>((done) => zk.exists(`${root}/layout/one`, done))
    expect(stat.ephemeralOwner.equals(Buffer.alloc(8))).toBe(false) // ephemeral: owned by a session
    const started = Date.now()
    await r.deregister()
    await r.deregister() // idempotent
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await call<string[]>((done) => zk.getChildren(`${root}/layout`, done))).toEqual([])
  })

  it('instances come and go under a steady stream of calls, and none fails', async () => {
    const { calls, msToDrop } = await comeAndGo(`${registry}/echo`, registry, 'echo', { ttlMs: 2_000 })
    console.info(`sd-zookeeper: ${calls} calls, 0 failures; a deregistered instance left the list after ${msToDrop} ms`)
  })

  it('drops the node of a process that died without deregistering, when the server ends its session', async () => {
    // The server clamps the session timeout to [2, 20] ticks: 2 s here unless its tickTime is over 1 s.
    const ms = await diesWithoutDeregistering(`${registry}/ghost`, registry, 'ghost', 2_000, 12_000)
    console.info(`sd-zookeeper: a killed instance left the list ${ms} ms after SIGKILL (session timeout asked: 2 s)`)
    expect(ms).toBeGreaterThan(500) // the session expired; nobody removed the node
  })

  it('watches a path that does not exist yet, and lists the instance registered there later', async () => {
    const i = await openInstancer(`${registry}/late`)
    try {
      expect(i.current()).toEqual({ instances: [] })
      const r = await openRegistrar(registry, 'late', 'http://127.0.0.1:9002')
      await r.register()
      await expect.poll(() => i.current().instances, { timeout: 5_000 }).toEqual(['http://127.0.0.1:9002'])
      await r.deregister()
      await expect.poll(() => i.current().instances, { timeout: 5_000 }).toEqual([])
    } finally {
      i.stop()
    }
  })

  it('replaces a client whose session handshake is never answered, and lists the instance through a new one', async () => {
    // A port that accepts its first connection and never answers it (a server still starting),
    // then forwards every later connection to the real server.
    const held: Socket[] = []
    let seen = 0
    const front = createServer((sock) => {
      if (seen++ === 0) return void held.push(sock)
      const up = connect(2181, '127.0.0.1')
      sock.pipe(up).pipe(sock)
      up.on('error', () => sock.destroy())
      sock.on('error', () => up.destroy())
      held.push(sock, up)
    })
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
    const port = (front.address() as AddressInfo).port
    const r = await openRegistrar(registry, 'stalled', 'http://127.0.0.1:9004')
    const i = await openInstancer(`zk://127.0.0.1:${port}${root}/stalled`)
    try {
      expect(i.current().err?.message).toMatch(/cannot connect/)
      await r.register()
      await expect.poll(() => i.current(), { timeout: 15_000 }).toEqual({ instances: ['http://127.0.0.1:9004'] })
      expect(seen).toBeGreaterThanOrEqual(2)
    } finally {
      i.stop()
      await r.deregister()
      for (const s of held) s.destroy()
      front.close()
    }
  })

  it('reports an error when no server answers, and a registrar refuses to start', async () => {
    const dead = `zk://127.0.0.1:${await freePort()}`
    const r = await openRegistrar(`${dead}/tskit`, 'svc', 'http://127.0.0.1:1')
    const [i, registered] = await Promise.all([openInstancer(`${dead}/tskit/none`), r.register().catch((err: unknown) => err)])
    try {
      expect(i.current().instances).toEqual([])
      expect(i.current().err?.message).toMatch(/^zookeeper: cannot connect to 127\.0\.0\.1:\d+ within 5000 ms$/)
      expect(registered).toBeInstanceOf(Error)
      expect((registered as Error).message).toMatch(/^sd\.zookeeper: cannot connect to 127\.0\.0\.1:\d+ within 5000 ms$/)
    } finally {
      i.stop()
      await r.deregister()
    }
  })
})

describe('ZooKeeper registry URLs', () => {
  it('refuses malformed ones with a TypeError that names them', async () => {
    await expect(openInstancer('zk://')).rejects.toThrow(/sd: "zk:\/\/" is not a valid registry target \(malformed\)/)
    await expect(openInstancer('zk://127.0.0.1:2181')).rejects.toThrow(/"zk:\/\/127\.0\.0\.1:2181" names no service/)
    await expect(openInstancer('zk://127.0.0.1:2181,:x/a')).rejects.toThrow(/"zk:\/\/127\.0\.0\.1:2181,:x\/a" is not a valid registry target \(bad host ":x"\)/)
    await expect(openRegistrar('zk:127.0.0.1', 'svc', 'http://127.0.0.1:1')).rejects.toThrow(/"zk:127\.0\.0\.1" is not a valid registration URL \(unknown scheme\)/)
  })
})
