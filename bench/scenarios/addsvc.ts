// addsvc's POST /sum: ours as users start it (npm start's command line, the
// whole monolith on an existing PGlite data dir, LOG_LEVEL=info, every
// endpoint middleware on, the rate limit far above the load) against a bare
// fastify server with the same schema and arithmetic (bench/bare.ts).
import { pgliteDir, spawnBaseline, spawnOurs } from '../lib.js'
import { alternate, type Target } from '../load.js'
import { post, sameAnswer, type Scenario, started, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** scenario compares POST /sum through the whole monolith with the bare server. */
export const scenario: Scenario = {
  name: 'addsvc',
  start: () =>
    started(async (add) => {
      const ours = await add(spawnOurs('addsvc-ours', { DATA_DIR: await pgliteDir() }))
      const bare = await add(spawnBaseline('addsvc-bare', 'bare.js'))
      const sum = (s: { name: string; url: string; pid: number }): Target => ({ name: s.name, kind: 'http', method: 'POST', url: `${s.url}/sum`, body, pids: [s.pid] })
      const targets = [sum(ours), sum(bare)] as const
      await sameAnswer(targets.map((t) => t.url), post(body))
      return {
        figures: [{ name: 'POST /sum: ours ÷ bare fastify', unit: '×', target: { op: '≥', value: 0.9 } }],
        async round(r, o) {
          const [a, b] = await alternate(r, targets, o)
          return [throughput(['ours', a], ['bare', b])]
        },
      }
    }),
}
