// profilesvc's GET /profiles/{id} on the PostgreSQL server: ours (the whole
// monolith started as users start it, DATABASE_URL set, its migrations run
// at start, kysely, a pg pool of 10) against a bare fastify route running the
// same query on the same kind of pool (bench/bare-profilesvc.ts). Ours
// always uses the schema "profilesvc", so the run gets a database of its own
// on the server at DATABASE_URL (else 127.0.0.1:5432/test's server), dropped
// afterwards. Without a server answering, the scenario says so and skips.
import { database, seed, seedId, spawnBaseline, spawnOurs } from '../lib.js'
import { alternate, type Target } from '../load.js'
import { sameAnswer, type Scenario, started, throughput } from '../scenario.js'

/** scenario compares profilesvc reads with the bare route's. */
export const scenario: Scenario = {
  name: 'profilesvc',
  start: () =>
    started(async (add) => {
      const db = await database()
      if (db === undefined) return { figures: [], round: async () => [] }
      const url = (await add(Promise.resolve(db))).url
      const ours = await add(spawnOurs('profilesvc-ours', { DATABASE_URL: url, MIGRATE_ON_START: 'true' }))
      await seed(ours)
      const bare = await add(spawnBaseline('profilesvc-bare', 'bare-profilesvc.js', { DATABASE_URL: url }))
      const get = (s: { name: string; url: string; pid: number }): Target => ({ name: s.name, kind: 'http', method: 'GET', url: `${s.url}/profiles/${seedId}`, pids: [s.pid] })
      const targets = [get(ours), get(bare)] as const
      await sameAnswer(targets.map((t) => t.url))
      return {
        figures: [{ name: 'GET /profiles/{id} on PostgreSQL: ours ÷ bare fastify + pg', unit: '×', target: { op: '≥', value: 0.9 } }],
        async round(r, o) {
          const [a, b] = await alternate(r, targets, o)
          return [throughput(['ours', a], ['bare', b])]
        },
      }
    }),
}
