// The split: POST /sum through our edge (SERVICES=none, ADDSVC_URL) to our
// addsvc on its own, both started as users start them, against the
// hand-written split: a bare fastify edge that validates the body and
// forwards over one undici keep-alive Pool to the bare server
// (bench/bare-edge.ts → bench/bare.ts). All four processes share the server
// core, so each split pays for its two hops alike; CPU is counted over both.
// Each split is started just before it is measured (scenario.ts's alternateFresh).
import { type Server, spawnBaseline, spawnOurs } from '../lib.js'
import type { Target } from '../load.js'
import { alternateFresh, post, type Running, type Scenario, type Side, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** split starts an upstream, then its edge, and stops them edge first. */
async function split(name: string, upstream: () => Promise<Server>, edgeOf: (upstream: Server) => Promise<Server>): Promise<Running> {
  const up = await upstream()
  let edge: Server
  try {
    edge = await edgeOf(up)
  } catch (err) {
    await up.stop()
    throw err
  }
  const target: Target = { name, kind: 'http', method: 'POST', url: `${edge.url}/sum`, body, pids: [edge.pid, up.pid] }
  return { target, stop: async () => (await edge.stop(), await up.stop()) }
}

const ours: Side = () =>
  split(
    'ours edge → addsvc',
    () => spawnOurs('split-ours-addsvc', { SERVICES: 'addsvc' }),
    (adds) => spawnOurs('split-ours-edge', { SERVICES: 'none', ADDSVC_URL: adds.url }),
  )
const bare: Side = () =>
  split(
    'bare edge → bare',
    () => spawnBaseline('split-bare', 'bare.js'),
    (up) => spawnBaseline('split-bare-edge', 'bare-edge.js', { BARE_UPSTREAM: up.url }),
  )

/** scenario compares our edge → addsvc with the hand-written edge → bare server. */
export const scenario: Scenario = {
  name: 'split',
  once: true,
  start: async () => ({
    figures: [{ name: 'POST /sum split: ours ÷ hand-written split', unit: '×', target: { op: '≥', value: 0.8 } }],
    async round(r, o) {
      const [a, b] = await alternateFresh(r, [ours, bare] as const, o, post(body))
      return [throughput(['ours', a], ['bare', b])]
    },
    stop: async () => {},
  }),
}
