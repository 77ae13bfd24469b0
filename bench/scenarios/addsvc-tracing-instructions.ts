// Tracing's cost counted, not timed: the main-thread instructions of a POST
// /sum on ours untraced, traced sampling nothing and traced sampling every
// root request (OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0 and 1,
// exporting OTLP/HTTP to bench/otlp-sink.ts on the load core), each the whole
// monolith under callgrind (bench/addsvc-callgrind.ts). Opt in (`npm run bench --
// tracing-instructions`), like the instruction count of ours against bare
// fastify, and for the same reason: the timed tracing ratios move with the
// machine far more than the count does. A sampled call's time cost is more
// than its instructions say (its garbage, the export's page faults and
// system time are not counted).
import { calls, callgrind, type Counted, count, post, unavailable, warmup } from '../addsvc-callgrind.js'
import { oursHost, pgliteDir, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import { type Add, type Scenario, started } from '../scenario.js'
import { received, tracedEnv } from './addsvc-tracing.js'

/** traced starts ours under callgrind sampling arg of its root requests (untraced without one), warmed up, with its sink. */
async function traced(add: Add, name: string, arg?: string): Promise<Counted & { readonly sink?: Server }> {
  const env: Record<string, string> = { DATA_DIR: await pgliteDir() }
  let sink: Server | undefined
  if (arg !== undefined) {
    sink = await add(spawnBaseline(`${name}-sink`, 'otlp-sink.js', {}, { side: 'load' }))
    Object.assign(env, tracedEnv(sink, arg))
  }
  const c = callgrind(name)
  const server = await add(spawnOurs(name, env, { launch: c.launch }))
  await post(server.url, warmup)
  return { server, out: c.out, host: oursHost, ...(sink === undefined ? {} : { sink }) }
}

/** scenario counts the instructions of POST /sum traced, sampling nothing and everything, against untraced. */
export const scenario: Scenario = {
  name: 'tracing-instructions',
  once: true,
  optIn: true,
  start: () =>
    started(async (add) => {
      const skipped = unavailable('tracing-instructions')
      if (skipped !== undefined) return skipped
      // Three servers at once: under valgrind each takes a minute or more to start and warm up.
      const [untraced, none, all] = await Promise.all([
        traced(add, 'tracing-instructions-untraced'),
        traced(add, 'tracing-instructions-0pc', '0'),
        traced(add, 'tracing-instructions-100pc', '1'),
      ])
      return {
        figures: [
          { name: 'main-thread instructions per POST /sum: traced, nothing sampled ÷ untraced (callgrind)', unit: '×' },
          { name: 'main-thread instructions per POST /sum: traced, all sampled ÷ untraced (callgrind)', unit: '×' },
        ],
        async round() {
          const u = await count(untraced, calls)
          const n = await count(none, calls)
          const a = await count(all, calls)
          // Sampling everything must have exported something, or the count is of a tracer that records nothing.
          if (all.sink === undefined || (await received(all.sink)) === 0) throw new Error('the all-sampled server sent nothing to its OTLP sink')
          const fmt = (v: number): string => Math.round(v).toLocaleString('en-US')
          process.stderr.write(`    untraced ${fmt(u)}, nothing sampled ${fmt(n)}, all sampled ${fmt(a)} instructions a call\n`)
          const sides = { untraced: u, 'nothing sampled': n, 'all sampled': a }
          return [
            { value: n / u, sides, sidesUnit: 'instructions a call', errors: 0 },
            { value: a / u, sides, sidesUnit: 'instructions a call', errors: 0 },
          ]
        },
      }
    }),
}
