// Memory after a soak: ours (the whole monolith, as users start it, on a
// copy of the PGlite data dir) and PGlite's own footprint (bench/bare-pglite.ts:
// PGlite on another copy, the same query behind node:http) each take
// BENCH_SOAK seconds of GET /profiles/{id} per round (10 connections), then their resident
// set sizes are read from /proc. The figure is ours minus PGlite's own.
import { pgliteDir, seedId, spawnBaseline, spawnOurs } from '../lib.js'
import { alternate, rssMb, type Target } from '../load.js'
import { type Scenario, started } from '../scenario.js'

const soakS = Number(process.env.BENCH_SOAK ?? 10)
// PGlite serves one query at a time: 10 connections keep it busy without wrk's 2 s timeouts.
const connections = 10

/** scenario compares ours' RSS after a soak with PGlite's own. */
export const scenario: Scenario = {
  name: 'rss',
  once: true,
  start: () =>
    started(async (add) => {
      const ours = await add(spawnOurs('rss-ours', { DATA_DIR: await pgliteDir() }))
      const pglite = await add(spawnBaseline('rss-pglite', 'bare-pglite.js', { DATA_DIR: await pgliteDir() }))
      const get = (s: { name: string; url: string; pid: number }): Target => ({ name: s.name, kind: 'http', method: 'GET', url: `${s.url}/profiles/${seedId}`, pids: [s.pid] })
      const targets = [get(ours), get(pglite)] as const
      return {
        figures: [{ name: `RSS after ${soakS} s of GET /profiles/{id} a round: ours − PGlite's own`, unit: 'MB', target: { op: '≤', value: 60 } }],
        async round(r) {
          const [a, b] = await alternate(r, targets, { connections, durationS: soakS, warmupS: 0 })
          const [oursMb, pgliteMb] = [await rssMb(ours.pid), await rssMb(pglite.pid)]
          process.stderr.write(`    RSS: ours ${oursMb.toFixed(0)} MB, PGlite's own ${pgliteMb.toFixed(0)} MB\n`)
          return [{ value: oursMb - pgliteMb, sides: { ours: oursMb, "PGlite's own": pgliteMb }, sidesUnit: 'MB', errors: a.errors + b.errors }]
        },
      }
    }),
}
