// addsvc's POST /sum: ours as users start it (npm start's command line, the
// whole monolith on an existing PGlite data dir, LOG_LEVEL=info, every
// endpoint middleware on, the rate limit far above the load) against a bare
// fastify server with the same schema and arithmetic (bench/bare.ts). Each
// side is started just before it is measured (scenario.ts's alternateFresh).
import { pgliteDir, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import type { Target } from '../load.js'
import { alternateFresh, post, type Scenario, type Side, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })
const sum = (s: Server): Target => ({ name: s.name, kind: 'http', method: 'POST', url: `${s.url}/sum`, body, pids: [s.pid] })
const running = (s: Server) => ({ target: sum(s), stop: () => s.stop() })

const ours: Side = async () => running(await spawnOurs('addsvc-ours', { DATA_DIR: await pgliteDir() }))
const bare: Side = async () => running(await spawnBaseline('addsvc-bare', 'bare.js'))

/** scenario compares POST /sum through the whole monolith with the bare server. */
export const scenario: Scenario = {
  name: 'addsvc',
  once: true,
  start: async () => ({
    figures: [{ name: 'POST /sum: ours ÷ bare fastify', unit: '×', target: { op: '≥', value: 0.9 } }],
    async round(r, o) {
      const [a, b] = await alternateFresh(r, [ours, bare] as const, o, post(body))
      return [throughput(['ours', a], ['bare', b])]
    },
    stop: async () => {},
  }),
}
