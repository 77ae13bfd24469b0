/**
 * The load side: wrk (HTTP, with wrk.lua for bodies and a JSON summary) and
 * h2load (gRPC, which is HTTP/2 with a framed protobuf body), both C tools
 * from Debian pinned to the load core, so the generator is never the
 * bottleneck (every result says how busy the server's core was). measure
 * also reads the server processes' CPU time from /proc before and after the
 * measured run, so every figure can be given per call as well as per second.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { onCore, root } from './lib.js'

const run = promisify(execFile)
const ticksPerS = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100

/** LoadOptions are the load shape, the same for every target of a run. */
export interface LoadOptions {
  readonly connections: number
  readonly durationS: number
  readonly warmupS: number
}

/** Target is one request shape to load, and the server processes whose CPU it costs. */
export interface Target {
  readonly name: string
  readonly kind: 'http' | 'grpc'
  /** url is the HTTP URL, or for gRPC http://host:port/package.Service/Method. */
  readonly url: string
  readonly method?: 'GET' | 'POST'
  /** body is a JSON body (HTTP) or the path of a file holding one framed message (gRPC). */
  readonly body?: string
  readonly pids: readonly number[]
  /** streams is how many of the connections' calls share one HTTP/2 connection (gRPC; 1 unless given). */
  readonly streams?: number
  /** okCalls, when given, counts the calls the server itself saw succeed (h2load cannot read gRPC trailers). */
  readonly okCalls?: () => Promise<number>
}

/** Result is what one measured run saw. */
export interface Result {
  readonly rps: number
  readonly p99Ms: number
  readonly calls: number
  readonly errors: number
  /** cpuUs is the servers' CPU time (user + system) per call, in microseconds. */
  readonly cpuUs: number
  /** busy is the servers' CPU time over wall time: about 1 means their core was saturated. */
  readonly busy: number
}

/** cpuSeconds is the user + system CPU time the processes have used so far. */
export async function cpuSeconds(pids: readonly number[]): Promise<number> {
  let ticks = 0
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks / ticksPerS
}

/** rssMb is the process's resident set size in MB (VmRSS). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024
}

interface Raw {
  readonly calls: number
  readonly p99Ms: number
  readonly errors: number
}

/** wrk runs wrk for durationS against an HTTP target and reads wrk.lua's JSON summary. */
async function wrk(t: Target, connections: number, durationS: number): Promise<Raw> {
  const [cmd, args] = onCore('load', ['wrk', '-t1', `-c${connections}`, `-d${durationS}s`, '-s', join(root, 'bench/wrk.lua'), t.url])
  const env = { ...process.env, WRK_METHOD: t.method ?? 'GET', WRK_BODY: t.body ?? '' }
  const { stdout } = await run(cmd, args, { env, timeout: (durationS + 30) * 1000 })
  const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'))
  if (line === undefined) throw new Error(`wrk printed no summary for ${t.name}:\n${stdout}`)
  const s = JSON.parse(line) as { requests: number; p99_us: number; errors: number; non2xx: number }
  return { calls: s.requests - s.non2xx, p99Ms: s.p99_us / 1000, errors: s.errors + s.non2xx }
}

/** h2load runs h2load for durationS against a gRPC method: `calls` in flight, t.streams of them per connection. */
async function h2load(t: Target, calls: number, durationS: number): Promise<Raw> {
  const headers = ['-H', 'content-type: application/grpc', '-H', 'te: trailers']
  const streams = Math.min(t.streams ?? 1, calls)
  const shape = [`-c${Math.max(1, Math.round(calls / streams))}`, `-m${streams}`]
  const [cmd, args] = onCore('load', ['h2load', '-t1', ...shape, `-D${durationS}`, '-d', t.body ?? '', ...headers, t.url])
  const { stdout } = await run(cmd, args, { timeout: (durationS + 30) * 1000 })
  const m = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout)
  if (m === null) throw new Error(`h2load printed no summary for ${t.name}:\n${stdout}`)
  const [succeeded, failed, errored, timedOut] = m.slice(1).map(Number) as [number, number, number, number]
  return { calls: succeeded, p99Ms: NaN, errors: failed + errored + timedOut }
}

/** measure warms the target up, then loads it for durationS with the servers' CPU time read around the run. */
export async function measure(t: Target, o: LoadOptions): Promise<Result> {
  const tool = t.kind === 'grpc' ? h2load : wrk
  if (o.warmupS > 0) await tool(t, o.connections, o.warmupS)
  const ok0 = await t.okCalls?.()
  const cpu0 = await cpuSeconds(t.pids)
  const t0 = performance.now()
  const raw = await tool(t, o.connections, o.durationS)
  const wallS = (performance.now() - t0) / 1000
  const cpuS = (await cpuSeconds(t.pids)) - cpu0
  const ok1 = await t.okCalls?.()
  // A call the tool counted but the server did not see succeed is an error (gRPC status in a trailer).
  const unseen = ok0 === undefined || ok1 === undefined ? 0 : Math.max(0, raw.calls - (ok1 - ok0))
  const r = { rps: raw.calls / o.durationS, p99Ms: raw.p99Ms, calls: raw.calls, errors: raw.errors + unseen, cpuUs: (cpuS * 1e6) / raw.calls, busy: cpuS / wallS }
  process.stderr.write(
    `    ${t.name}: ${Math.round(r.rps).toLocaleString('en-US')} req/s, ${Number.isNaN(r.p99Ms) ? '' : `p99 ${r.p99Ms.toFixed(1)} ms, `}` +
      `${r.cpuUs.toFixed(1)} µs CPU/call, server core ${(r.busy * 100).toFixed(0)} % busy, ${r.errors} errors\n`,
  )
  return r
}

/** alternate measures the targets one after another, in reverse order on odd rounds, so no side always goes first. */
export async function alternate<T extends readonly Target[]>(round: number, targets: T, o: LoadOptions): Promise<{ -readonly [K in keyof T]: Result }> {
  const order = targets.map((_, i) => i)
  if (round % 2 === 1) order.reverse()
  const results: Result[] = []
  for (const i of order) results[i] = await measure(targets[i] as Target, o)
  return results as { -readonly [K in keyof T]: Result }
}
