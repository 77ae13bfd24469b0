// ZooKeeper session expiry, against a ZooKeeper server of this test's own
// (Debian's zookeeper jar run with java on a free loopback port; skipped,
// saying so, when java or the jar is missing). A partition longer than the
// session timeout is staged with restarts: the server is stopped, started on
// another port (where our clients cannot reach it) until it has expired
// their sessions, which deletes the registrar's ephemeral node, then
// started again on its own port. The clients reconnect, are told their
// session expired, and must start new ones: the registrar registers again
// and the instancer watches again, keeping its last list meanwhile.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import zookeeper from 'node-zookeeper-client'
import { describe, expect, it, vi } from 'vitest'
import { openInstancer, openRegistrar } from '../../src/kit/sd/registry.js'
import { answers, freePort } from '../helpers/net.js'

const jar = '/usr/share/java/zookeeper.jar'
const java = ['/usr/bin/java'].find((p) => existsSync(p))
const runnable = java !== undefined && existsSync(jar)
if (!runnable) console.warn(`sd-zookeeper-session.test.ts: SKIPPED, needs java and ${jar} (apt-get install zookeeper)`)

/** startZk runs a standalone server on port, with its data (kept across restarts) under dir. */
async function startZk(dir: string, port: number): Promise<ChildProcess> {
  const cfg = join(dir, 'zoo.cfg')
  await writeFile(cfg, [`tickTime=500`, `dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', ''].join('\n'))
  const p = spawn(java as string, ['-Xmx128m', '-cp', jar, 'org.apache.zookeeper.server.ZooKeeperServerMain', cfg], { stdio: 'ignore' })
  await vi.waitFor(async () => expect(await answers(port)).toBe(true), { timeout: 15_000, interval: 100 })
  return p
}

/** children lists the children of path on the server at port, through a client of its own; it gives up after 5 s so a poll never hangs. */
async function children(port: number, path: string): Promise<string[]> {
  const c = zookeeper.createClient(`127.0.0.1:${port}`, { sessionTimeout: 2_000 })
  let timer: NodeJS.Timeout | undefined
  const giveUp = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from ZooKeeper on ${port} in 5 s`)), 5_000)))
  try {
    const list = (async () => {
      await new Promise<void>((resolve) => (c.once('connected', () => resolve()), c.connect()))
      return await new Promise<string[]>((resolve, reject) => c.getChildren(path, (err, names) => (err ? reject(err) : resolve(names))))
    })()
    return await Promise.race([list, giveUp])
  } finally {
    clearTimeout(timer)
    c.close()
  }
}

/** stopZk kills the server and waits until it has exited. */
async function stopZk(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return
  p.kill('SIGKILL')
  await once(p, 'exit')
}

describe.skipIf(!runnable)('ZooKeeper session expiry', () => {
  // Two Java server restarts on a loaded 2-core machine: the timing is the server's, so one retry is allowed.
  it('registers again in a new session, and the instancer lists it again', { timeout: 240_000, retry: 1 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tskit-zk-'))
    const port = await freePort()
    let server = await startZk(dir, port)
    const url = `zk://127.0.0.1:${port}`
    const r = await openRegistrar(`${url}/tskit`, 'svc', 'http://127.0.0.1:9003', { ttlMs: 2_000 })
    const i = await openInstancer(`${url}/tskit/svc`)
    try {
      await r.register()
      await vi.waitFor(() => expect(i.current()).toEqual({ instances: ['http://127.0.0.1:9003'] }), { timeout: 20_000 })

      await stopZk(server)
      await vi.waitFor(() => expect(i.current().err?.message).toMatch(/disconnected/), { timeout: 20_000 })
      expect(i.current().instances).toEqual(['http://127.0.0.1:9003']) // the last list is kept

      // Out of our clients' reach, the server expires their sessions (2 s) and deletes the node.
      const elsewhere = await freePort()
      server = await startZk(dir, elsewhere)
      // The server expires restored sessions a session timeout after it has loaded them; a loaded machine delays the load.
      await vi.waitFor(async () => expect(await children(elsewhere, '/tskit/svc')).toEqual([]), { timeout: 45_000, interval: 200 })
      await stopZk(server)

      server = await startZk(dir, port)
      // A Java server restarting on a loaded 2-core machine can take a while before the client's next reconnect lands.
      await vi.waitFor(() => expect(i.current()).toEqual({ instances: ['http://127.0.0.1:9003'] }), { timeout: 40_000, interval: 50 })
      expect(await children(port, '/tskit/svc')).toHaveLength(1)
    } finally {
      i.stop()
      await r.deregister()
      await stopZk(server)
      await rm(dir, { recursive: true, force: true })
    }
  })
})
