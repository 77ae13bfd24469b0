// Start-up: the time from launching ours (the whole monolith, as users start
// it) on an existing PGlite data dir to its first answer from the database,
// a 200 to GET /profiles/{id} on the public port, polled every 10 ms. Each
// round launches it afresh on the same data dir and stops it again. Beside
// it, for scale: PGlite's own (bench/bare-pglite.ts on a copy of the data
// dir, to the same answer) and the bare fastify server's (to /readyz).
import { pgliteDir, seedId, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import { type Scenario, started } from '../scenario.js'

/** firstAnswer polls url until it answers 200 and returns the seconds since s was launched (30 s at most). */
async function firstAnswer(s: Server, url: string): Promise<number> {
  const deadline = performance.now() + 30_000
  while (performance.now() < deadline) {
    if (await fetch(url).then((r) => r.status === 200, () => false)) return (performance.now() - s.launchedAt) / 1000
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`${s.name} gave no answer at ${url} within 30 s`)
}

/** scenario times ours from launch to its first answer from PGlite. */
export const scenario: Scenario = {
  name: 'startup',
  once: true,
  start: () =>
    started(async () => {
      const [dataDir, pgliteCopy] = [await pgliteDir(), await pgliteDir()]
      return {
        figures: [{ name: 'launch to first answer, existing PGlite data dir', unit: 's', target: { op: '≤', value: 2 } }],
        async round() {
          const ours = await spawnOurs('startup-ours', { DATA_DIR: dataDir }, { wait: false })
          const oursS = await firstAnswer(ours, `${ours.url}/profiles/${seedId}`).finally(() => ours.stop())
          const pglite = await spawnBaseline('startup-pglite', 'bare-pglite.js', { DATA_DIR: pgliteCopy }, { wait: false })
          const pgliteS = await firstAnswer(pglite, `${pglite.url}/profiles/${seedId}`).finally(() => pglite.stop())
          const bare = await spawnBaseline('startup-bare', 'bare.js', {}, { wait: false })
          const bareS = await firstAnswer(bare, `${bare.url}/readyz`).finally(() => bare.stop())
          process.stderr.write(`    ours ${oursS.toFixed(2)} s, PGlite's own ${pgliteS.toFixed(2)} s, bare fastify ${bareS.toFixed(2)} s\n`)
          return [{ value: oursS, sides: { ours: oursS, "PGlite's own": pgliteS, 'bare fastify': bareS }, sidesUnit: 's', errors: 0 }]
        },
      }
    }),
}
