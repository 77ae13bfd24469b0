// profilesvc's GET /profiles/{id} on the PostgreSQL server: ours (the whole
// monolith started as users start it, DATABASE_URL set, its migrations run
// at start, kysely, a pg pool of 10) against a bare fastify route running the
// same query on the same kind of pool (bench/bare-profilesvc.ts). Ours
// always uses the schema "profilesvc", so the run gets a database of its own
// on the server at DATABASE_URL (else 127.0.0.1:5432/test's server), dropped
// afterwards; ours migrates and seeds it once, before the first round. Each
// side is started just before it is measured (scenario.ts's alternateFresh).
// Without a server answering, the scenario says so and skips.
import { database, type Server, seed, seedId, spawnBaseline, spawnOurs } from '../lib.js'
import type { Target } from '../load.js'
import { alternateFresh, type Scenario, type Side, throughput } from '../scenario.js'

const get = (s: Server): Target => ({ name: s.name, kind: 'http', method: 'GET', url: `${s.url}/profiles/${seedId}`, pids: [s.pid] })
const running = (s: Server) => ({ target: get(s), stop: () => s.stop() })

/** scenario compares profilesvc reads with the bare route's. */
export const scenario: Scenario = {
  name: 'profilesvc',
  once: true,
  start: async () => {
    const db = await database()
    if (db === undefined) return { figures: [], round: async () => [], stop: async () => {} }
    try {
      const seeding = await spawnOurs('profilesvc-seed', { DATABASE_URL: db.url, MIGRATE_ON_START: 'true' })
      await seed(seeding).finally(() => seeding.stop())
    } catch (err) {
      await db.stop()
      throw err
    }
    const ours: Side = async () => running(await spawnOurs('profilesvc-ours', { DATABASE_URL: db.url, MIGRATE_ON_START: 'true' }))
    const bare: Side = async () => running(await spawnBaseline('profilesvc-bare', 'bare-profilesvc.js', { DATABASE_URL: db.url }))
    return {
      figures: [{ name: 'GET /profiles/{id} on PostgreSQL: ours ÷ bare fastify + pg', unit: '×', target: { op: '≥', value: 0.9 } }],
      async round(r, o) {
        const [a, b] = await alternateFresh(r, [ours, bare] as const, o)
        return [throughput(['ours', a], ['bare', b])]
      },
      stop: () => db.stop(),
    }
  },
}
