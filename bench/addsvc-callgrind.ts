// Counting instructions a call with valgrind's callgrind, for the opt-in
// scenarios that count rather than time (scenarios/addsvc-instructions.ts,
// scenarios/addsvc-tracing-instructions.ts). A server runs under callgrind
// with instrumentation off; count() turns it on around a fixed number of
// calls from h2load and reads the main thread's total from the dump. Counts
// hardly move with the machine's load, as throughput does, but now and then
// a round reads far higher for every server counted in it (1.4 to 2.6 × has
// been seen, with three to five servers under valgrind at once): work done on
// a clock is counted too, and grows when the calls take longer. The median
// over rounds is the figure.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { scratch, type Server } from './lib.js'
import type { Started } from './scenario.js'

const run = promisify(execFile)
const onPath = (tool: string): boolean => process.env.PATH?.split(':').some((dir) => existsSync(join(dir, tool))) ?? false

/** warmup and calls are BENCH_INSTR_WARMUP (20,000: the JIT must have settled, and under valgrind a call is about a hundred times slower) and BENCH_INSTR_CALLS (2,000 counted a round). */
export const warmup = Number(process.env.BENCH_INSTR_WARMUP ?? 20_000)
export const calls = Number(process.env.BENCH_INSTR_CALLS ?? 2000)

/**
 * unavailable says why scenario cannot count and returns its empty body (no
 * figures: run.ts prints it as skipped) when a tool it needs is not on PATH;
 * undefined when it can count.
 */
export function unavailable(scenario: string): Omit<Started, 'stop'> | undefined {
  const missing = ['valgrind', 'callgrind_control', 'h2load'].filter((t) => !onPath(t))
  if (missing.length === 0) return undefined
  process.stderr.write(`    ${scenario}: skipped, ${missing.join(' and ')} not found (apt-get install -y valgrind nghttp2-client)\n`)
  return { figures: [], round: async () => [] }
}

/** Counted is a server running under callgrind, where its dumps go, and the HOST its environment has. */
export interface Counted {
  readonly server: Server
  readonly out: string
  readonly host: string | undefined
}

/** callgrind returns where name's dumps go and the launch options that run its node under callgrind, counting nothing until told. */
export function callgrind(name: string): { out: string; launch: { wrapper: string[]; readyMs: number } } {
  const out = join(scratch, `callgrind-${name}.out`)
  const wrapper = ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${out}`]
  return { out, launch: { wrapper, readyMs: 600_000 } }
}

/**
 * control runs callgrind_control on c. Valgrind names the files it is
 * controlled through after LOGNAME (else USER) and HOST (else HOSTNAME) in the
 * server's environment, which has none of them but ours' HOST (lib.ts), so
 * callgrind_control gets the same.
 */
async function control(c: Counted, ...args: string[]): Promise<void> {
  const env = { ...process.env }
  for (const k of ['LOGNAME', 'USER', 'HOST', 'HOSTNAME']) delete env[k]
  if (c.host !== undefined) env.HOST = c.host
  await run('callgrind_control', [...args, String(c.server.pid)], { env })
}

// Every count is of addsvc's POST /sum with the body of the timed scenarios, written once for h2load.
let bodyFile: Promise<string> | undefined
const sumBody = (): Promise<string> => {
  const file = join(scratch, 'sum.json')
  return (bodyFile ??= writeFile(file, JSON.stringify({ a: 17, b: 25 })).then(() => file))
}

/** post sends n POST /sum calls over 50 connections with h2load (HTTP/1.1) and checks that all of them succeeded. */
export async function post(url: string, n: number): Promise<void> {
  const args = ['--h1', '-n', String(n), '-c', '50', '-d', await sumBody(), '-H', 'content-type: application/json', `${url}/sum`]
  const { stdout } = await run('h2load', args, { maxBuffer: 1 << 20 })
  const m = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout)
  if (m === null || Number(m[1]) !== n) throw new Error(`h2load: not all ${n} calls to ${url}/sum succeeded:\n${stdout}`)
}

/** count returns the main-thread instructions per call over n POST /sum calls to c. */
export async function count(c: Counted, n: number): Promise<number> {
  await control(c, '-z')
  await control(c, '-i', 'on')
  await post(c.server.url, n)
  await control(c, '-i', 'off')
  const before = new Set(await readdir(scratch))
  await control(c, '-d')
  // The dump is one file per thread (<out>.<dump>-<thread>); thread 1 is the main thread.
  const deadline = Date.now() + 60_000
  for (;;) {
    const dumped = (await readdir(scratch)).filter((f) => !before.has(f) && join(scratch, f).startsWith(`${c.out}.`) && f.endsWith('-01'))
    const text = dumped.length === 1 ? await readFile(join(scratch, dumped[0] ?? ''), 'utf8') : ''
    const total = /^totals: (\d+)/m.exec(text)
    if (total !== null) return Number(total[1]) / n
    if (Date.now() > deadline) throw new Error(`callgrind wrote no dump for ${c.server.name}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
