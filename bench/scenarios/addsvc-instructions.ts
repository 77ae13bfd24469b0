// Instructions per call: the CPU instructions ours and bare fastify execute
// on their main thread for each POST /sum, counted by valgrind's callgrind.
// Opt in (`npm run bench -- instructions`): it takes minutes, and it is not a
// speed, so it is no target's figure. What it adds is a count that does not
// move with the machine: on a shared VM the same build's throughput can move
// by a fifth between two runs, while its count moves by a few per cent. Use it to
// see what a change to the hot path costs or saves, and the timed figures to
// see what that is worth in req/s (cache misses, waking the load generator
// and the kernel are not in it, so the timed ratio is lower than this one).
//
// Both servers run under callgrind (bench/addsvc-callgrind.ts), are warmed up with
// BENCH_INSTR_WARMUP calls (20,000), and then each round counts
// BENCH_INSTR_CALLS calls (2,000) from h2load over 50 connections. Needs
// valgrind (callgrind_control comes with it) and h2load.
import { calls, callgrind, count, post, unavailable, warmup } from '../addsvc-callgrind.js'
import { oursHost, pgliteDir, spawnBaseline, spawnOurs } from '../lib.js'
import { type Scenario, started } from '../scenario.js'

/** scenario counts the instructions of a POST /sum call in ours and in bare fastify. */
export const scenario: Scenario = {
  name: 'instructions',
  once: true,
  optIn: true,
  start: () =>
    started(async (add) => {
      const skipped = unavailable('instructions')
      if (skipped !== undefined) return skipped
      const o = callgrind('ours')
      const b = callgrind('bare')
      // Both start and warm up at once: under valgrind each takes a minute or more, and a count does not depend on the other's load.
      const [ours, bare] = await Promise.all([
        add(spawnOurs('instructions-ours', { DATA_DIR: await pgliteDir() }, { launch: o.launch })).then(async (s) => (await post(s.url, warmup), s)),
        add(spawnBaseline('instructions-bare', 'bare.js', {}, { launch: b.launch, side: 'load' })).then(async (s) => (await post(s.url, warmup), s)),
      ])
      const sides = { ours: { server: ours, out: o.out, host: oursHost }, bare: { server: bare, out: b.out, host: undefined } }
      return {
        figures: [{ name: 'main-thread instructions per POST /sum: ours ÷ bare fastify (callgrind)', unit: '×' }],
        async round() {
          const oursI = await count(sides.ours, calls)
          const bareI = await count(sides.bare, calls)
          process.stderr.write(`    ours ${Math.round(oursI).toLocaleString('en-US')}, bare ${Math.round(bareI).toLocaleString('en-US')} instructions a call\n`)
          return [{ value: oursI / bareI, sides: { ours: oursI, bare: bareI }, sidesUnit: 'instructions a call', errors: 0 }]
        },
      }
    }),
}
