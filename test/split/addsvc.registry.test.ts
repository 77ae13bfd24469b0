// The split on a real service registry (etcd, ZooKeeper): addsvc processes
// register themselves under REGISTER_URL, an edge follows them through
// ADDSVC_URL=etcd://…/addsvc (or zk://…), and a steady stream of calls
// through the edge sees no failure while instances come and go: a new one
// receives traffic, and a SIGTERM'd one deregisters before it stops
// accepting. Each registry's suite runs when its server answers on
// 127.0.0.1 (.ci/run starts both) and says plainly when it is skipped.
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { answers, type Running, spawnMain } from '../helpers/process.js'

const registries = [
  { name: 'etcd', port: 2379, root: (id: string) => `etcd://127.0.0.1:2379/tskit-test-${id}` },
  { name: 'ZooKeeper', port: 2181, root: (id: string) => `zk://127.0.0.1:2181/tskit-test-${id}` },
] as const

const up = Object.fromEntries(await Promise.all(registries.map(async (r) => [r.name, await answers(r.port)] as const)))

/** sums counts the Sum calls an instance served, from its own metrics (role="server"). */
async function sums(p: Running): Promise<number> {
  const text = await (await fetch(`${p.adminUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith('request_duration_seconds_count{service="addsvc",method="sum",role="server",transport="http",outcome="ok"}'))
  return Number(line?.split(' ').at(-1) ?? 0)
}

for (const r of registries) {
  if (!up[r.name]) console.warn(`registry split test: ${r.name} SKIPPED, no server answers on 127.0.0.1:${r.port}`)
  describe.skipIf(!up[r.name])(`the split on ${r.name}`, () => {
    const root = r.root(randomUUID().slice(0, 8))
    const live: Running[] = []
    const instance = async (): Promise<Running> => {
      const p = await spawnMain({ SERVICES: 'addsvc', REGISTER_URL: root, REGISTER_TTL_MS: '2000', SHUTDOWN_TIMEOUT_MS: '5000' })
      live.push(p)
      return p
    }
    afterAll(async () => {
      await Promise.all(live.map((p) => p.stop()))
    })

    it('follows instances that come and go, with no failure at the edge', { timeout: 60_000 }, async () => {
      const [a, b] = await Promise.all([instance(), instance()])
      const edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: `${root}/addsvc` })
      live.push(edge)

      let calls = 0
      const failures: string[] = []
      let running = true
      const loop = (async () => {
        while (running) {
          const res = await fetch(`${edge.url}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": 1, "b": 2}' })
          const body = await res.text()
          calls++
          if (res.status !== 200) failures.push(`${res.status} ${body}`)
        }
      })()
      const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
        const deadline = Date.now() + 15_000
        while (!(await ok())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
          await new Promise((res) => setTimeout(res, 100))
        }
      }
      try {
        await until('both instances to serve', async () => (await sums(a)) > 0 && (await sums(b)) > 0)
        const c = await instance()
        await until('the new instance to serve', async () => (await sums(c)) > 0)
        // SIGTERM one: it deregisters first, so the edge stops sending before it stops accepting.
        expect(await a.stop('SIGTERM')).toBe(0)
        const before = calls
        await until('calls to go on without it', async () => calls > before + 50)
        const [bAfter, cAfter] = [await sums(b), await sums(c)]
        await until('the others to take its share', async () => (await sums(b)) > bAfter && (await sums(c)) > cAfter)
      } finally {
        running = false
        await loop
      }
      expect(failures).toEqual([])
      expect(calls).toBeGreaterThan(100)
    })
  })
}
