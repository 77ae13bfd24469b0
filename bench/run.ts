// npm run bench [-- scenario ...]: builds the tree and the baselines (tsc,
// bench/tsconfig.json), then runs each scenario in dist/bench/scenarios (or
// only those named; one marked optIn runs only when named) for BENCH_ROUNDS
// rounds and prints one table: each figure
// as the median over rounds with its range, beside the target.
// Inside a round every side is measured back to back (the order reversed on
// odd rounds) and the figure is computed there, so a slow moment hits both.
// Every round starts the scenario's servers afresh, or each side's just
// before it is measured (bench/scenario.ts says why), except for the
// scenarios marked `once`.
// Load shape from the environment: BENCH_CONNECTIONS (50), BENCH_DURATION
// (5 s per measurement), BENCH_WARMUP (3 s before each, enough for the JIT
// of a just-started server to settle), BENCH_ROUNDS (5), BENCH_SOAK (10 s,
// the RSS scenario); BENCH_PIN=0
// unpins, BENCH_NODE_FLAGS adds flags to every server's node. The machine
// should otherwise be idle: the load average is printed with each scenario.
// Five rounds of 5 s rather than three of 8 s: this shared machine's speed
// drifts by a tenth within seconds, so shorter back-to-back measurements
// differ less, and a median of five ratios is moved less by one slow moment.
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { cleanUp, nodeFlags, pinned, pinSelf, scratch, startArgv } from './lib.js'
import type { LoadOptions } from './load.js'
import type { Figure, Sample, Scenario } from './scenario.js'

const opts: LoadOptions = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationS: Number(process.env.BENCH_DURATION ?? 5),
  warmupS: Number(process.env.BENCH_WARMUP ?? 3),
}
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5))
const only = process.argv.slice(2)
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2
}
const fmt = (v: number, unit: string): string =>
  unit === '×' ? v.toFixed(2) : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)

const missing = ['wrk', 'h2load'].filter((tool) => !process.env.PATH?.split(':').some((dir) => existsSync(join(dir, tool))))
if (missing.length > 0) {
  process.stderr.write(`npm run bench needs ${missing.join(' and ')}: apt-get install -y --no-install-recommends wrk nghttp2-client\n`)
  await cleanUp()
  process.exit(2)
}
pinSelf()
const began = Date.now()
process.stdout.write(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ours: node ${[...nodeFlags, ...(await startArgv())].join(' ')}; ` +
    `wrk/h2load, ${opts.connections} connections, ${opts.durationS} s per measurement after ${opts.warmupS} s warm-up, ${rounds} rounds, servers started afresh for each round (or each side, just before it is measured); ` +
    `${pinned ? 'servers pinned to CPU 1, load to CPU 0' : 'NOT pinned'}; load average ${load()}\n`,
)
const rows: string[] = []
const files = (await readdir(new URL('./scenarios/', import.meta.url))).filter((f) => f.endsWith('.js')).sort()
let failed = 0
try {
  for (const file of files) {
    const { scenario } = (await import(`./scenarios/${file}`)) as { scenario: Scenario }
    if (only.length > 0 ? !only.includes(scenario.name) : scenario.optIn === true) continue
    process.stderr.write(`${scenario.name}: starting (load average ${load()})\n`)
    try {
      let started = await scenario.start()
      const samples: Sample[][] = started.figures.map(() => [])
      try {
        for (let r = 0; r < rounds; r++) {
          if (r > 0 && scenario.once !== true) {
            await started.stop()
            started = await scenario.start()
          }
          process.stderr.write(`  round ${r + 1}/${rounds} (load average ${load()})\n`)
          for (const [i, s] of (await started.round(r, opts)).entries()) samples[i]?.push(s)
        }
      } finally {
        await started.stop()
      }
      if (started.figures.length === 0) rows.push(`| ${scenario.name} | skipped (see above) | | | | | |`)
      for (const [i, f] of started.figures.entries()) rows.push(row(scenario.name, f, samples[i] ?? []))
    } catch (err) {
      failed++
      process.stderr.write(`${scenario.name}: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      rows.push(`| ${scenario.name} | failed: ${String(err instanceof Error ? err.message : err).split('\n')[0]} | | | | | |`)
    }
  }
} finally {
  // A failed run keeps its servers' logs for reading.
  if (failed === 0) await cleanUp()
  else process.stderr.write(`servers' logs kept in ${scratch}\n`)
}

/** row formats one figure: median [min–max] over rounds, the target and whether the median meets it, the sides' medians. */
function row(scenario: string, f: Figure, ss: readonly Sample[]): string {
  const values = ss.map((s) => s.value)
  const unit = f.unit === '×' ? '' : ` ${f.unit}`
  const spread = (xs: readonly number[]): string => `${fmt(median(xs), f.unit)}${unit} [${fmt(Math.min(...xs), f.unit)}–${fmt(Math.max(...xs), f.unit)}]`
  const value = spread(values)
  const byCpu = ss.flatMap((s) => (s.byCpu === undefined ? [] : [s.byCpu]))
  const met = (v: number): boolean => (f.target?.op === '≥' ? v >= f.target.value : v <= (f.target?.value ?? Infinity))
  const target = f.target ? `${f.target.op} ${f.target.value}${unit} ${met(median(values)) ? 'met' : '**missed**'}` : '–'
  const names = Object.keys(ss[0]?.sides ?? {})
  const sides = names.map((n) => `${n} ${fmt(median(ss.map((s) => s.sides[n] ?? NaN)), '')}`).join(' · ')
  const errors = ss.reduce((n, s) => n + s.errors, 0)
  return `| ${scenario} | ${f.name} | ${value} | ${byCpu.length > 0 ? spread(byCpu) : '–'} | ${target} | ${sides} ${ss[0]?.sidesUnit ?? ''} | ${errors} |`
}

process.stdout.write(
  `\n| scenario | figure | median [min–max] over ${rounds} rounds | the same from CPU per call | target (on the median) | sides (medians) | errors |\n` +
    '|---|---|---|---|---|---|---|\n',
)
process.stdout.write(`${rows.join('\n')}\n\n${Math.round((Date.now() - began) / 1000)} s in all; load average at the end ${load()}\n`)
process.exitCode = failed > 0 ? 1 : 0
