// npm run bench [-- scenario ...]: starts each scenario in bench/scenarios
// (or only those named), loads every target with the same shape, and prints
// req/s, p99 and the ratio to the group's baseline. Each group is measured in
// BENCH_ROUNDS interleaved rounds (baseline, targets, baseline, targets, …)
// and the medians are reported, so a slow moment hits both sides alike.
// Load shape from the environment: BENCH_CONNECTIONS (50), BENCH_DURATION
// (10 s), BENCH_WARMUP (3 s, first round only), BENCH_ROUNDS (3).
// Ratios are only meaningful within one run: run it on an otherwise idle machine.
import { execFileSync } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { cpus } from 'node:os'
import { type Custom, isCustom, load, type LoadOptions, pinSelf, type Result, type Scenario, type Target } from './lib.js'

const opts: LoadOptions = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationS: Number(process.env.BENCH_DURATION ?? 10),
  warmupS: Number(process.env.BENCH_WARMUP ?? 3),
}
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))
const only = process.argv.slice(2)

const files = (await readdir(new URL('./scenarios/', import.meta.url))).filter((f) => f.endsWith('.ts')).sort()
const measure = (t: Target | Custom, o: LoadOptions): Promise<Result> => (isCustom(t) ? t.run(o) : load(t, o))
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN
const pinned = pinSelf()
// Servers run the built output, as npm start does.
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })

process.stdout.write(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${opts.connections} connections, ` +
    `${opts.warmupS} s warm-up + ${opts.durationS} s per target, median of ${rounds} interleaved rounds; ` +
    `${pinned ? 'servers pinned to CPU 1, load to CPU 0' : 'not pinned'}\n\n`,
)
const rows: string[] = []
for (const file of files) {
  const { scenario } = (await import(`./scenarios/${file}`)) as { scenario: Scenario }
  if (only.length > 0 && !only.includes(scenario.name)) continue
  process.stderr.write(`starting ${scenario.name}…\n`)
  const started = await scenario.start()
  try {
    for (const g of started.groups) {
      const all = [g.baseline, ...g.targets]
      const results: Result[][] = all.map(() => [])
      for (let r = 0; r < rounds; r++) {
        const o = r === 0 ? opts : { ...opts, warmupS: Math.min(opts.warmupS, 1) }
        for (const [i, t] of all.entries()) results[i]?.push(await measure(t, o))
      }
      const base = median(results[0]?.map((x) => x.rps) ?? [])
      for (const [i, t] of all.entries()) {
        const rs = results[i] ?? []
        const rps = median(rs.map((x) => x.rps))
        const p99 = median(rs.map((x) => x.p99Ms))
        const errors = rs.reduce((n, x) => n + x.errors + x.non2xx, 0)
        const row = `| ${scenario.name} | ${g.title} | ${t.name} | ${Math.round(rps).toLocaleString('en-US')} | ${p99.toFixed(1)} | ${(rps / base).toFixed(2)} | ${errors} |`
        rows.push(row)
        process.stderr.write(`${row}\n`)
      }
    }
  } finally {
    await started.stop()
  }
}
process.stdout.write('| scenario | route | server | req/s | p99 ms | ratio | errors |\n|---|---|---|---|---|---|---|\n')
process.stdout.write(`${rows.join('\n')}\n`)
