// addsvc's POST /sum: a bare fastify server beside our monolith with every
// endpoint middleware on (logging at info, metrics, no-op tracing, breaker,
// rate limit set far above the load), each in its own process.
import { freePort, type Scenario, spawnMain, spawnTs } from '../lib.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** scenario compares POST /sum through the whole onion with the bare server. */
export const scenario: Scenario = {
  name: 'addsvc',
  async start() {
    const barePort = await freePort()
    const bare = await spawnTs('bench/bare.ts', { BARE_PORT: String(barePort) }, `http://127.0.0.1:${barePort}/readyz`)
    const ours = await spawnMain({ SERVICES: 'addsvc', LOG_LEVEL: 'info', SUM_RATE_LIMIT: '1000000' })
    return {
      groups: [
        {
          title: 'POST /sum',
          baseline: { name: 'bare fastify', method: 'POST', url: `http://127.0.0.1:${barePort}/sum`, body },
          targets: [{ name: 'tskit monolith', method: 'POST', url: `${ours.url}/sum`, body }],
        },
      ],
      async stop() {
        await Promise.all([bare.stop(), ours.stop()])
      },
    }
  },
}
