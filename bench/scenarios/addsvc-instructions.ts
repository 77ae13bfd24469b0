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
// Both servers run under callgrind with instrumentation off, are warmed up
// (BENCH_INSTR_WARMUP calls, 20,000: the JIT must have settled, and under
// valgrind a call is about a hundred times slower), and then each round
// counts BENCH_INSTR_CALLS calls (2,000) from h2load over 50 connections:
// instrumentation on, the calls, instrumentation off, dump, read the main
// thread's total. Needs valgrind (callgrind_control comes with it) and h2load.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { oursHost, pgliteDir, scratch, type Server, spawnBaseline, spawnOurs } from '../lib.js'
import { type Scenario, started } from '../scenario.js'

const run = promisify(execFile)
const warmup = Number(process.env.BENCH_INSTR_WARMUP ?? 20_000)
const calls = Number(process.env.BENCH_INSTR_CALLS ?? 2000)
const body = JSON.stringify({ a: 17, b: 25 })
const onPath = (tool: string): boolean => process.env.PATH?.split(':').some((dir) => existsSync(join(dir, tool))) ?? false

/** counted is a server running under callgrind, where its dumps go, and the HOST its environment has. */
interface Counted {
  readonly server: Server
  readonly out: string
  readonly host: string | undefined
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

/** callgrind returns the launch options that run a server's node under callgrind, counting nothing until told. */
function callgrind(name: string): { out: string; launch: { wrapper: string[]; readyMs: number } } {
  const out = join(scratch, `callgrind-${name}.out`)
  const wrapper = ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${out}`]
  return { out, launch: { wrapper, readyMs: 600_000 } }
}

/** post sends n POST /sum calls over 50 connections with h2load (HTTP/1.1) and checks that all of them succeeded. */
async function post(url: string, n: number): Promise<void> {
  const file = join(scratch, 'sum.json')
  const { stdout } = await run('h2load', ['--h1', '-n', String(n), '-c', '50', '-d', file, '-H', 'content-type: application/json', `${url}/sum`], { maxBuffer: 1 << 20 })
  const m = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout)
  if (m === null || Number(m[1]) !== n) throw new Error(`h2load: not all ${n} calls to ${url}/sum succeeded:\n${stdout}`)
}

/** count returns the main-thread instructions per call over n calls to c. */
async function count(c: Counted, n: number): Promise<number> {
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

/** scenario counts the instructions of a POST /sum call in ours and in bare fastify. */
export const scenario: Scenario = {
  name: 'instructions',
  once: true,
  optIn: true,
  start: () =>
    started(async (add) => {
      const missing = ['valgrind', 'callgrind_control', 'h2load'].filter((t) => !onPath(t))
      if (missing.length > 0) {
        process.stderr.write(`    instructions: skipped, ${missing.join(' and ')} not found (apt-get install -y valgrind nghttp2-client)\n`)
        return { figures: [], round: async () => [] }
      }
      await writeFile(join(scratch, 'sum.json'), body)
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
