// npm run bench [-- scenario ...]: starts each scenario in bench/scenarios
// (or only those named), loads every target with the same shape, and prints
// req/s, p99 and the ratio to the group's baseline. Load shape from the
// environment: BENCH_CONNECTIONS (50), BENCH_DURATION (10 s), BENCH_WARMUP (3 s).
// Ratios are only meaningful within one run: run it on an otherwise idle machine.
import { readdir } from 'node:fs/promises'
import { cpus } from 'node:os'
import { type Custom, isCustom, load, type LoadOptions, type Result, type Scenario, type Target } from './lib.js'

const opts: LoadOptions = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationS: Number(process.env.BENCH_DURATION ?? 10),
  warmupS: Number(process.env.BENCH_WARMUP ?? 3),
}
const only = process.argv.slice(2)

const files = (await readdir(new URL('./scenarios/', import.meta.url))).filter((f) => f.endsWith('.ts')).sort()
const rows: string[] = []
const measure = (t: Target | Custom): Promise<Result> => (isCustom(t) ? t.run(opts) : load(t, opts))
const fmt = (r: Result) => `${Math.round(r.rps).toLocaleString('en-US')} | ${r.p99Ms.toFixed(1)}`

process.stdout.write(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${opts.connections} connections, ` +
    `${opts.warmupS} s warm-up + ${opts.durationS} s per target\n\n`,
)
for (const file of files) {
  const { scenario } = (await import(`./scenarios/${file}`)) as { scenario: Scenario }
  if (only.length > 0 && !only.includes(scenario.name)) continue
  process.stderr.write(`starting ${scenario.name}…\n`)
  const started = await scenario.start()
  try {
    for (const g of started.groups) {
      const base = await measure(g.baseline)
      rows.push(`| ${scenario.name} | ${g.title} | ${g.baseline.name} | ${fmt(base)} | 1.00 | ${base.errors + base.non2xx} |`)
      for (const t of g.targets) {
        const r = await measure(t)
        rows.push(`| ${scenario.name} | ${g.title} | ${t.name} | ${fmt(r)} | ${(r.rps / base.rps).toFixed(2)} | ${r.errors + r.non2xx} |`)
        process.stderr.write(`${rows.at(-1)}\n`)
      }
    }
  } finally {
    await started.stop()
  }
}
process.stdout.write('| scenario | route | server | req/s | p99 ms | ratio | errors |\n|---|---|---|---|---|---|---|\n')
process.stdout.write(`${rows.join('\n')}\n`)
