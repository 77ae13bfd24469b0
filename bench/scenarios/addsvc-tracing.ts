// The cost of tracing: POST /sum on ours untraced against ours with the
// OTLP/HTTP exporter on, sampling 10 % and 100 % of root requests
// (OTEL_TRACES_SAMPLER=parentbased_traceidratio), each the whole monolith
// started as users start it. The exporter sends to bench/otlp-sink.ts, on
// the load core so that its work is not counted against the servers; each
// round checks that spans did arrive.
import { pgliteDir, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import { alternate, type Target } from '../load.js'
import { type Scenario, started, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })

/** received is how many bytes of spans the sink has taken so far. */
async function received(sink: Server): Promise<number> {
  return ((await (await fetch(`${sink.url}/readyz`)).json()) as { received_bytes: number }).received_bytes
}

/** scenario compares POST /sum traced at 10 % and 100 % with untraced. */
export const scenario: Scenario = {
  name: 'tracing',
  start: () =>
    started(async (add) => {
      const traced = async (name: string, arg: string) => {
        const sink = await add(spawnBaseline(`${name}-sink`, 'otlp-sink.js', {}, { side: 'load' }))
        const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'tskit-bench', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }
        return { sink, server: await add(spawnOurs(name, { DATA_DIR: await pgliteDir(), ...env })) }
      }
      const untraced = await add(spawnOurs('tracing-ours-untraced', { DATA_DIR: await pgliteDir() }))
      const tenth = await traced('tracing-ours-10pc', '0.1')
      const all = await traced('tracing-ours-100pc', '1.0')
      const sum = (s: Server): Target => ({ name: s.name, kind: 'http', method: 'POST', url: `${s.url}/sum`, body, pids: [s.pid] })
      const targets = [sum(untraced), sum(tenth.server), sum(all.server)] as const
      return {
        figures: [
          { name: 'POST /sum traced, 10 % sampled ÷ untraced', unit: '×', target: { op: '≥', value: 0.8 } },
          { name: 'POST /sum traced, 100 % sampled ÷ untraced', unit: '×', target: { op: '≥', value: 0.5 } },
        ],
        async round(r, o) {
          const before = await Promise.all([received(tenth.sink), received(all.sink)])
          const [u, t, a] = await alternate(r, targets, o)
          // The batch processor flushes every 5 s, so a round's bytes are roughly, not exactly, its own.
          const [tenthB, allB] = [(await received(tenth.sink)) - before[0], (await received(all.sink)) - before[1]]
          process.stderr.write(`    OTLP sent: ${(tenthB / t.calls).toFixed(0)} B/call at 10 %, ${(allB / a.calls).toFixed(0)} B/call at 100 %\n`)
          if (tenthB === 0 || allB === 0) throw new Error('a traced server sent nothing to its OTLP sink')
          return [throughput(['10 %', t], ['untraced', u]), throughput(['100 %', a], ['untraced', u])]
        },
      }
    }),
}
