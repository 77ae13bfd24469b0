// The cost of a split: POST /sum served by the monolith, and the same request
// through an edge (SERVICES=none) that reaches a split-out addsvc over
// loopback, beside a bare fastify /sum with the same schema. The edge's client
// keeps connections alive (one shared undici Agent), so the split costs one
// loopback round trip per call, not a new connection. Split ÷ monolith is the
// cost of the split; every process runs on its own.
import { freePort, type Scenario, spawnMain, spawnTs } from '../lib.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** scenario compares POST /sum in the monolith and through the edge, against the bare server. */
export const scenario: Scenario = {
  name: 'split',
  async start() {
    const barePort = await freePort()
    const common = { LOG_LEVEL: 'info', SUM_RATE_LIMIT: '1000000' }
    const [bare, monolith, adds] = await Promise.all([
      spawnTs('bench/bare.ts', { BARE_PORT: String(barePort) }, `http://127.0.0.1:${barePort}/readyz`),
      spawnMain({ ...common, SERVICES: 'addsvc' }),
      spawnMain({ ...common, SERVICES: 'addsvc' }),
    ])
    const edge = await spawnMain({ ...common, SERVICES: 'none', ADDSVC_URL: adds.url })
    return {
      groups: [
        {
          title: 'POST /sum',
          baseline: { name: 'bare fastify', method: 'POST', url: `http://127.0.0.1:${barePort}/sum`, body },
          targets: [
            { name: 'tskit monolith', method: 'POST', url: `${monolith.url}/sum`, body },
            { name: 'tskit edge → addsvc (split)', method: 'POST', url: `${edge.url}/sum`, body },
          ],
        },
      ],
      async stop() {
        await Promise.all([bare.stop(), monolith.stop(), edge.stop(), adds.stop()])
      },
    }
  },
}
