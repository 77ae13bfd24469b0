// The cost of tracing: POST /sum on ours untraced against ours with the
// OTLP/HTTP exporter on, sampling 10 % and 100 % of root requests
// (OTEL_TRACES_SAMPLER=parentbased_traceidratio), each the whole monolith
// started as users start it. The exporter sends to bench/otlp-sink.ts, on
// the load core so that its work is not counted against the servers; each
// traced side checks that spans did arrive. Each side is started just before
// it is measured (scenario.ts's alternateFresh).
import { pgliteDir, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import type { Target } from '../load.js'
import { alternateFresh, post, type Scenario, type Side, throughput } from '../scenario.js'

const body = JSON.stringify({ a: 17, b: 25 })
const sum = (s: Server): Target => ({ name: s.name, kind: 'http', method: 'POST', url: `${s.url}/sum`, body, pids: [s.pid] })

/** tracedEnv is ours' environment for sampling arg of its root requests and exporting OTLP/HTTP to sink. */
export function tracedEnv(sink: Server, arg: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'tskit-bench', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }
}

/** received is how many bytes of spans the sink has taken so far (the counted tracing scenario reads it too). */
export async function received(sink: Server): Promise<number> {
  return ((await (await fetch(`${sink.url}/readyz`)).json()) as { received_bytes: number }).received_bytes
}

const untraced: Side = async () => {
  const s = await spawnOurs('tracing-ours-untraced', { DATA_DIR: await pgliteDir() })
  return { target: sum(s), stop: () => s.stop() }
}

/** traced is ours sampling arg of its root requests, exporting to a sink of its own; stopping it says how much the sink got. */
const traced =
  (name: string, arg: string): Side =>
  async () => {
    const sink = await spawnBaseline(`${name}-sink`, 'otlp-sink.js', {}, { side: 'load' })
    const env = tracedEnv(sink, arg)
    let s: Server
    try {
      s = await spawnOurs(name, { DATA_DIR: await pgliteDir(), ...env })
    } catch (err) {
      await sink.stop()
      throw err
    }
    return {
      target: sum(s),
      stop: async () => {
        // Stopping flushes what the batch processor still holds.
        await s.stop()
        const bytes = await received(sink)
        await sink.stop()
        process.stderr.write(`    OTLP sent by ${name}: ${bytes.toLocaleString('en-US')} B\n`)
        if (bytes === 0) throw new Error(`${name} sent nothing to its OTLP sink`)
      },
    }
  }

/** scenario compares POST /sum traced at 10 % and 100 % with untraced. */
export const scenario: Scenario = {
  name: 'tracing',
  once: true,
  start: async () => ({
    figures: [
      { name: 'POST /sum traced, 10 % sampled ÷ untraced', unit: '×', target: { op: '≥', value: 0.8 } },
      { name: 'POST /sum traced, 100 % sampled ÷ untraced', unit: '×', target: { op: '≥', value: 0.5 } },
    ],
    async round(r, o) {
      const [u, t, a] = await alternateFresh(r, [untraced, traced('tracing-ours-10pc', '0.1'), traced('tracing-ours-100pc', '1.0')] as const, o, post(body))
      return [throughput(['10 %', t], ['untraced', u]), throughput(['100 %', a], ['untraced', u])]
    },
    stop: async () => {},
  }),
}
