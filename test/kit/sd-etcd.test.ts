// Service discovery on etcd v3, against the real server on 127.0.0.1:2379
// (started by .ci/services/etcd.sh; skipped, saying so, when it does not
// answer). Every run works under its own random key prefix and deletes it
// afterwards. Instances come and go under a steady stream of balanced calls
// with no failure; a registration whose process was killed vanishes when
// its lease expires; while etcd is down (an etcd of the test's own, stopped
// and started again) the last list is kept and the error reported; bad
// registry URLs are refused with their name; and a process that uses no
// registry never loads a registry client library.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Etcd3 } from 'etcd3'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { openInstancer, openRegistrar } from '../../src/kit/sd/registry.js'
import { answers, freePort } from '../helpers/net.js'
import { comeAndGo, diesWithoutDeregistering } from '../helpers/sd-registry.js'

const up = await answers(2379)
if (!up) console.warn('sd-etcd.test.ts: SKIPPED the etcd suites, no etcd server answers on 127.0.0.1:2379 (start it with .ci/services/etcd.sh start)')

describe.skipIf(!up)('etcd registry', () => {
  const root = `/tskit-test-${randomUUID().slice(0, 8)}`
  const registry = `etcd://127.0.0.1:2379${root}`
  afterAll(async () => {
    const etcd = new Etcd3({ hosts: 'http://127.0.0.1:2379' })
    await etcd.delete().prefix(`${root}/`)
    etcd.close()
  })

  it('lays keys out as Go kit does: <root>/<service>/<id> = instance URL, gone after deregister', async () => {
    const etcd = new Etcd3({ hosts: 'http://127.0.0.1:2379' })
    try {
      const r = await openRegistrar(registry, 'layout', 'http://127.0.0.1:8081/', { id: 'one' })
      await r.register()
      expect(await etcd.getAll().prefix(`${root}/layout/`).strings()).toEqual({ [`${root}/layout/one`]: 'http://127.0.0.1:8081' })
      const started = Date.now()
      await r.deregister()
      await r.deregister() // idempotent
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(await etcd.getAll().prefix(`${root}/layout/`).strings()).toEqual({})
    } finally {
      etcd.close()
    }
  })

  it('instances come and go under a steady stream of calls, and none fails', async () => {
    const { calls, msToDrop } = await comeAndGo(`${registry}/echo`, registry, 'echo', { ttlMs: 2_000 })
    console.info(`sd-etcd: ${calls} calls, 0 failures; a deregistered instance left the list after ${msToDrop} ms`)
  })

  it('drops a registration whose process died without deregistering, when its lease expires', async () => {
    const ms = await diesWithoutDeregistering(`${registry}/ghost`, registry, 'ghost', 2_000, 8_000)
    console.info(`sd-etcd: a killed instance left the list ${ms} ms after SIGKILL (lease TTL 2 s)`)
    expect(ms).toBeGreaterThan(500) // the lease expired; nobody deregistered it
  })

  it('reports an error when etcd cannot be reached at all', async () => {
    const i = await openInstancer(`etcd://127.0.0.1:${await freePort()}${root}/none`)
    try {
      expect(i.current().instances).toEqual([])
      expect(i.current().err?.message).toMatch(/ECONNREFUSED/)
    } finally {
      i.stop()
    }
  })
})

// An etcd of this test's own (free ports, temp data dir), so it can be stopped and started again.
const etcdBin = ['/usr/bin/etcd', '/usr/local/bin/etcd'].find((p) => existsSync(p))
if (!etcdBin) console.warn('sd-etcd.test.ts: SKIPPED the outage test, no etcd binary (apt-get install etcd-server)')

describe.skipIf(!etcdBin)('etcd outage', () => {
  it('keeps the last list and reports the error while etcd is down, and recovers when it is back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tskit-etcd-'))
    const [client, peer] = [await freePort(), await freePort()]
    const start = async (): Promise<ChildProcess> => {
      const p = spawn(etcdBin as string, [
        '--name', 'outage', '--data-dir', join(dir, 'data'), '--logger', 'zap', '--log-level', 'error',
        '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
        '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
        '--initial-cluster', `outage=http://127.0.0.1:${peer}`,
      ], { stdio: 'ignore' })
      await vi.waitFor(async () => expect(await answers(client)).toBe(true), { timeout: 10_000, interval: 100 })
      return p
    }
    const stop = async (p: ChildProcess): Promise<void> => {
      p.kill('SIGTERM')
      if (p.exitCode === null) await once(p, 'exit')
    }
    let server = await start()
    const url = `etcd://127.0.0.1:${client}`
    const r = await openRegistrar(`${url}/tskit`, 'svc', 'http://127.0.0.1:9001', { ttlMs: 30_000 })
    const i = await openInstancer(`${url}/tskit/svc`)
    try {
      await r.register()
      await vi.waitFor(() => expect(i.current()).toEqual({ instances: ['http://127.0.0.1:9001'] }), { timeout: 5_000 })
      await stop(server)
      await vi.waitFor(() => expect(i.current().err).toBeDefined(), { timeout: 5_000 })
      expect(i.current().instances).toEqual(['http://127.0.0.1:9001'])
      server = await start()
      await vi.waitFor(() => expect(i.current()).toEqual({ instances: ['http://127.0.0.1:9001'] }), { timeout: 10_000, interval: 50 })
    } finally {
      i.stop()
      await r.deregister()
      await stop(server)
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('registry URLs', () => {
  it('refuses malformed ones with a TypeError that names them', async () => {
    await expect(openInstancer('etcd://')).rejects.toThrow(/sd: "etcd:\/\/" is not a valid registry target \(malformed\)/)
    await expect(openInstancer('etcd://127.0.0.1:2379')).rejects.toThrow(/"etcd:\/\/127\.0\.0\.1:2379" names no service/)
    await expect(openInstancer('etcd://127.0.0.1:notaport/x')).rejects.toThrow(/"etcd:\/\/127\.0\.0\.1:notaport\/x" is not a valid registry target \(bad host/)
    await expect(openInstancer('etcd://127.0.0.1:2379//x')).rejects.toThrow(/empty path segment/)
    await expect(openInstancer('redis://127.0.0.1:6379/x')).rejects.toThrow(/"redis:\/\/127\.0\.0\.1:6379\/x" is not a valid registry target \(unknown scheme\)/)
    await expect(openRegistrar('etcd:/127.0.0.1', 'svc', 'http://127.0.0.1:1')).rejects.toThrow(/"etcd:\/127\.0\.0\.1" is not a valid registration URL/)
    await expect(openRegistrar('etcd://127.0.0.1', 'a/b', 'http://127.0.0.1:1')).rejects.toThrow(/service name "a\/b"/)
    await expect(openRegistrar('etcd://127.0.0.1', 'svc', 'ftp://127.0.0.1:1')).rejects.toThrow(/advertise URL "ftp:\/\/127\.0\.0\.1:1" must be http/)
    await expect(openRegistrar('etcd://127.0.0.1', 'svc', '127.0.0.1:1')).rejects.toThrow(/advertise URL "127\.0\.0\.1:1" is not a URL/)
    await expect(openInstancer('consul://127.0.0.1:8500/a/b')).rejects.toThrow(/a Consul target names one service/)
    await expect(openRegistrar('consul://127.0.0.1:8500/x', 'svc', 'http://127.0.0.1:1')).rejects.toThrow(/a Consul registration URL has no path/)
  })
})

describe('dynamic imports', () => {
  it('a process loads a registry client library only when it opens that registry', async () => {
    const registryModule = fileURLToPath(new URL('../../src/kit/sd/registry.ts', import.meta.url))
    const code = `
      import { createRequire } from 'node:module'
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(etcd3|node-zookeeper-client)\\//.test(k)).map((k) => k.match(/node_modules\\/([^/]+)\\//)[1])
      const sd = await import(${JSON.stringify(registryModule)})
      const before = [...new Set(loaded())]
      const i = await sd.openInstancer('etcd://127.0.0.1:1/none')
      i.stop()
      console.log(JSON.stringify({ before, after: [...new Set(loaded())] }))
      process.exit(0)
    `
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 15_000 })
    const { before, after } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { before: string[]; after: string[] }
    expect(before).toEqual([])
    expect(after).toEqual(['etcd3'])
  })
})
