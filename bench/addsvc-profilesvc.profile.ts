// node dist/bench/addsvc-profilesvc.profile.js [sum|bare|split|bare-split|traced|profiles|bare-profiles] (after npm
// run bench has built, or `npm run -s build && npx tsc -p bench/tsconfig.json`):
// where ours spends its time under load. "sum" profiles the whole monolith
// serving POST /sum, "bare" bench/bare.ts doing the same (to compare with);
// "split" the edge (SERVICES=none) in front of an addsvc, "bare-split" the
// hand-written edge (bench/bare-edge.ts) in front of bench/bare.ts;
// "traced" the monolith exporting 10 % of its traces; "profiles" GET
// /profiles/{id} on the PostgreSQL server (as bench/scenarios do),
// "bare-profiles" bench/bare-profilesvc.ts doing the same. The
// process runs as in the benchmark plus node's --cpu-prof; after a warm-up,
// wrk loads it for BENCH_PROFILE_S seconds (10), and only the samples taken
// inside that window are counted. Prints the top BENCH_PROFILE_TOP (15)
// frames by self time per request, mapped back to src/*.ts through the
// build's source maps, then the same by file. BENCH_PROFILE_OUT=path keeps
// the .cpuprofile (open it in Chrome's DevTools or speedscope).
import { copyFile, readdir, readFile } from 'node:fs/promises'
import { SourceMap } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanUp, database, pgliteDir, pinSelf, root, scratch, seed, seedId, type Server, spawnBaseline, spawnOurs } from './lib.js'
import { measure, type Target } from './load.js'

interface Frame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}
interface Profile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: Frame; readonly children?: readonly number[] }[]
  readonly startTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const which = process.argv[2] ?? 'sum'
const seconds = Number(process.env.BENCH_PROFILE_S ?? 10)
const top = Number(process.env.BENCH_PROFILE_TOP ?? 15)
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

const maps = new Map<string, SourceMap | undefined>()
/** short names a file from the repository root, or from node_modules/ for a dependency. */
function short(file: string): string {
  const i = file.lastIndexOf('node_modules/')
  return i >= 0 ? file.slice(i) : relative(root, file)
}

/** where names a frame's source as path:line (1-based), through the build's source map when it has one. */
async function where(f: Frame): Promise<string> {
  if (f.url === '') return ''
  if (!f.url.startsWith('file:')) return `${f.url}:${f.lineNumber + 1}`
  const file = fileURLToPath(f.url)
  if (!maps.has(file)) maps.set(file, await readFile(`${file}.map`, 'utf8').then((m) => new SourceMap(JSON.parse(m)), () => undefined))
  const entry = maps.get(file)?.findEntry(f.lineNumber, f.columnNumber)
  if (entry && 'originalSource' in entry) return `${short(fileURLToPath(new URL(entry.originalSource, f.url)))}:${entry.originalLine + 1}`
  return `${short(file)}:${f.lineNumber + 1}`
}

/** selfTimes sums each frame's self time (µs) over the samples taken between fromUs and toUs. */
function selfTimes(p: Profile, fromUs: number, toUs: number): Map<number, number> {
  const byNode = new Map<number, number>()
  let t = p.startTime
  for (const [i, id] of p.samples.entries()) {
    t += p.timeDeltas[i] ?? 0
    const next = t + (p.timeDeltas[i + 1] ?? 0)
    if (t >= fromUs && t <= toUs) byNode.set(id, (byNode.get(id) ?? 0) + (next - t))
  }
  return byNode
}

/** Row is one line of a table: a key's self time (µs) and, for frames, the share of it by caller. */
interface Row {
  us: number
  readonly callers: Map<string, number>
}

/** table prints rows sorted by self time, as µs per request, share of the busy time and (for frames) the main caller. */
function table(title: string, column: string, rows: Map<string, Row>, calls: number, busyUs: number): void {
  process.stdout.write(`\n${title}\n\n| self µs/req | % of busy | ${column} |\n|---:|---:|---|\n`)
  for (const [key, row] of [...rows].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    const [caller, us] = [...row.callers].sort((a, b) => b[1] - a[1])[0] ?? []
    const from = caller === undefined ? '' : ` ← ${caller} (${((100 * (us ?? 0)) / row.us).toFixed(0)} %)`
    process.stdout.write(`| ${(row.us / calls).toFixed(2)} | ${((100 * row.us) / busyUs).toFixed(1)} | ${key}${from} |\n`)
  }
}

/** add counts us of self time to key in rows, by caller when one is given. */
function add(rows: Map<string, Row>, key: string, us: number, caller?: string): void {
  const row = rows.get(key) ?? { us: 0, callers: new Map<string, number>() }
  row.us += us
  if (caller !== undefined) row.callers.set(caller, (row.callers.get(caller) ?? 0) + us)
  rows.set(key, row)
}

/** Profiled is the server a mode profiles, and the request it is loaded with. */
interface Profiled {
  readonly server: Server
  readonly target: Target
}

const dir = join(scratch, 'cpu-prof')
const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`]
const stoppable: { stop(): Promise<void> }[] = []
const keep = async <S extends { stop(): Promise<void> }>(s: Promise<S>): Promise<S> => (stoppable.unshift(await s), s)
const sum = (s: Server): Profiled => ({ server: s, target: { name: `${which}: ${s.name}`, kind: 'http', method: 'POST', url: `${s.url}/sum`, body: '{"a":17,"b":25}', pids: [s.pid] } })

/** profiles starts ours on a database of the run's own, seeded; with profiled false it profiles bench/bare-profilesvc.ts beside it instead. */
async function profiles(profiled: boolean): Promise<Profiled> {
  const db = await database()
  if (db === undefined) throw new Error('profiles needs a PostgreSQL server')
  await keep(Promise.resolve(db))
  const ours = await keep(spawnOurs('profile-profilesvc', { DATABASE_URL: db.url, MIGRATE_ON_START: 'true' }, profiled ? { nodeArgs } : {}))
  await seed(ours)
  const s = profiled ? ours : await keep(spawnBaseline('profile-bare-profilesvc', 'bare-profilesvc.js', { DATABASE_URL: db.url }, { nodeArgs }))
  return { server: s, target: { name: `${which}: ${s.name}`, kind: 'http', method: 'GET', url: `${s.url}/profiles/${seedId}`, pids: [s.pid] } }
}

/** modes start what each mode profiles: the whole monolith, the bare baseline, the split's edge, tracing at 10 %, a read on PostgreSQL. */
const modes: Record<string, () => Promise<Profiled>> = {
  sum: async () => sum(await keep(spawnOurs('profile-ours', { DATA_DIR: await pgliteDir() }, { nodeArgs }))),
  bare: async () => sum(await keep(spawnBaseline('profile-bare', 'bare.js', {}, { nodeArgs }))),
  split: async () => {
    const adds = await keep(spawnOurs('profile-addsvc', { SERVICES: 'addsvc' }))
    return sum(await keep(spawnOurs('profile-edge', { SERVICES: 'none', ADDSVC_URL: adds.url }, { nodeArgs })))
  },
  'bare-split': async () => {
    const bare = await keep(spawnBaseline('profile-bare', 'bare.js'))
    return sum(await keep(spawnBaseline('profile-bare-edge', 'bare-edge.js', { BARE_UPSTREAM: bare.url }, { nodeArgs })))
  },
  traced: async () => {
    const sink = await keep(spawnBaseline('profile-sink', 'otlp-sink.js', {}, { side: 'load' }))
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: process.env.BENCH_PROFILE_SAMPLE ?? '0.1' }
    return sum(await keep(spawnOurs('profile-traced', { DATA_DIR: await pgliteDir(), ...otel }, { nodeArgs })))
  },
  profiles: async () => profiles(true),
  'bare-profiles': async () => profiles(false),
}

pinSelf()
try {
  const mode = modes[which]
  if (mode === undefined) throw new Error(`usage: node dist/bench/addsvc-profilesvc.profile.js [${Object.keys(modes).join('|')}], not ${which}`)
  const { server, target: t } = await mode()
  await measure(t, { connections: 50, durationS: 3, warmupS: 0 })
  const from = nowUs()
  const r = await measure(t, { connections: 50, durationS: seconds, warmupS: 0 })
  const to = nowUs()
  await server.stop()
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`no profile was written to ${dir}`)
  if (process.env.BENCH_PROFILE_OUT) await copyFile(join(dir, file), process.env.BENCH_PROFILE_OUT)
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as Profile
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)))
  const name = async (f: Frame): Promise<string> => `${f.functionName || '(anonymous)'} ${await where(f)}`.trim()
  const byFrame = new Map<string, Row>()
  const byFile = new Map<string, Row>()
  let busy = 0
  for (const [id, us] of selfTimes(profile, from, to)) {
    const f = frames.get(id)
    if (f === undefined || f.functionName === '(idle)') continue
    busy += us
    const at = await where(f)
    const parent = frames.get(parents.get(id) ?? -1)
    add(byFrame, await name(f), us, parent && parent.functionName !== '(root)' ? await name(parent) : undefined)
    add(byFile, at === '' ? f.functionName : at.slice(0, at.lastIndexOf(':')), us)
  }
  process.stdout.write(
    `${t.name}: ${r.calls.toLocaleString('en-US')} calls in ${seconds} s (${Math.round(r.rps).toLocaleString('en-US')} req/s); ` +
      `${(busy / r.calls).toFixed(1)} µs of sampled main-thread time per request (${r.cpuUs.toFixed(1)} µs of process CPU)\n`,
  )
  table(`Top ${top} frames by self time`, 'function at file:line ← its main caller (share of its time)', byFrame, r.calls, busy)
  table(`Top ${top} files by self time`, 'file', byFile, r.calls, busy)
} finally {
  for (const s of stoppable) await s.stop()
  await cleanUp()
}
