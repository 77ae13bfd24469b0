// The split: POST /sum through our edge (SERVICES=none, ADDSVC_URL) to our
// addsvc on its own, both started as users start them, against the
// hand-written split: a bare fastify edge that validates the body and
// forwards over one undici keep-alive Pool to the bare server
// (bench/bare-edge.ts → bench/bare.ts). All four processes share the server
// core, so each split pays for its two hops alike; CPU is counted over both.
import { spawnBaseline, spawnOurs } from '../lib.js'
import { alternate, type Target } from '../load.js'
import { post, sameAnswer, type Scenario, started, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** scenario compares our edge → addsvc with the hand-written edge → bare server. */
export const scenario: Scenario = {
  name: 'split',
  start: () =>
    started(async (add) => {
      const adds = await add(spawnOurs('split-ours-addsvc', { SERVICES: 'addsvc' }))
      const edge = await add(spawnOurs('split-ours-edge', { SERVICES: 'none', ADDSVC_URL: adds.url }))
      const bare = await add(spawnBaseline('split-bare', 'bare.js'))
      const bareEdge = await add(spawnBaseline('split-bare-edge', 'bare-edge.js', { BARE_UPSTREAM: bare.url }))
      const sum = (name: string, url: string, pids: number[]): Target => ({ name, kind: 'http', method: 'POST', url: `${url}/sum`, body, pids })
      const targets = [sum('ours edge → addsvc', edge.url, [edge.pid, adds.pid]), sum('bare edge → bare', bareEdge.url, [bareEdge.pid, bare.pid])] as const
      await sameAnswer(targets.map((t) => t.url), post(body))
      return {
        figures: [{ name: 'POST /sum split: ours ÷ hand-written split', unit: '×', target: { op: '≥', value: 0.8 } }],
        async round(r, o) {
          const [a, b] = await alternate(r, targets, o)
          return [throughput(['ours', a], ['bare', b])]
        },
      }
    }),
}
