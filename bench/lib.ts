/**
 * The benchmark harness: a scenario starts real servers as child processes
 * (never inside the load generator's process, which would share its event
 * loop), and returns groups of targets. Each group has a baseline (a bare
 * fastify server doing the same work) so every figure is reported as a ratio
 * measured in the same run on the same machine, never as an absolute.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { answers, freePort } from '../test/helpers/net.js'

/**
 * pinned keeps the two sides of a measurement off each other's core: servers
 * run on CPU 1, load generators on CPU 0 (BENCH_PIN=0 turns it off). Without
 * it, on a 2-core machine the scheduler's choices move a ratio by ±15 %.
 */
const pinned = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && existsSync('/usr/bin/taskset')

/** onCore returns the command that runs argv on the server's or the load generator's core. */
export function onCore(side: 'server' | 'load', argv: readonly string[]): [string, string[]] {
  const [cmd = process.execPath, ...rest] = argv
  return pinned ? ['taskset', ['-c', side === 'server' ? '1' : '0', cmd, ...rest]] : [cmd, rest]
}

/** pinSelf moves the calling process (the autocannon side) to the load generator's core. */
export function pinSelf(): boolean {
  if (pinned) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  return pinned
}

/** root is the repository root, where child processes run. */
export const root = fileURLToPath(new URL('..', import.meta.url))

/** Target is one HTTP request shape to load; body may vary per request (e.g. unique ids). */
export interface Target {
  readonly name: string
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly body?: string | (() => string)
  readonly headers?: Readonly<Record<string, string>>
}

/** Result is what one load run measured. */
export interface Result {
  readonly rps: number
  readonly p99Ms: number
  readonly errors: number
  readonly non2xx: number
}

/** Custom is a target measured by its own load loop (for non-HTTP transports); it reports a Result. */
export interface Custom {
  readonly name: string
  readonly run: (opts: LoadOptions) => Promise<Result>
}

/** Group is a set of targets compared against one baseline. */
export interface Group {
  readonly title: string
  readonly baseline: Target | Custom
  readonly targets: readonly (Target | Custom)[]
}

/** Started is a running scenario. */
export interface Started {
  readonly groups: readonly Group[]
  stop(): Promise<void>
}

/** Scenario is one benchmark topic; bench/run.ts starts each in turn. */
export interface Scenario {
  readonly name: string
  start(): Promise<Started>
}

/** LoadOptions are the load shape, the same for every target of a run. */
export interface LoadOptions {
  readonly connections: number
  readonly durationS: number
  readonly warmupS: number
}

/** Child is a started server process. */
export interface Child {
  readonly process: ChildProcess
  stop(): Promise<void>
}

/**
 * spawnNode runs node with argv (on the server core) and env, and waits until
 * readyUrl answers 200 (or rejects after 60 s with the process's output).
 */
export async function spawnNode(
  argv: readonly string[],
  env: Record<string, string>,
  readyUrl: string,
  side: 'server' | 'load' = 'server',
): Promise<Child> {
  const entry = argv.at(-1) ?? 'node'
  const [cmd, args] = onCore(side, [process.execPath, ...argv])
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await once(child, 'exit')
    clearTimeout(timer)
  }
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${err}`)
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false)
    if (ok) return { process: child, stop }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`${entry} not ready after 60 s:\n${err}`)
}

/**
 * spawnTs runs a TypeScript entry file through tsx (bench helpers: the bare
 * servers; a sink for what the servers send goes on the load side, so that
 * its work is not counted against them).
 */
export function spawnTs(entry: string, env: Record<string, string>, readyUrl: string, side: 'server' | 'load' = 'server'): Promise<Child> {
  return spawnNode(['--import', 'tsx', entry], env, readyUrl, side)
}

/**
 * spawnMain runs the built monolith (dist/src/main.js, as `npm start` does,
 * so no transpiler is in the measured path) with env on fresh ports; with
 * telemetry it is preloaded with dist/src/telemetry.js.
 */
export async function spawnMain(env: Record<string, string>, opts: { telemetry?: boolean } = {}): Promise<Child & { url: string }> {
  const port = await freePort()
  const adminPort = await freePort()
  const argv = [...(opts.telemetry ? ['--import', './dist/src/telemetry.js'] : []), 'dist/src/main.js']
  const child = await spawnNode(
    argv,
    { HOST: '127.0.0.1', GRPC_PORT: '0', JSONRPC_PORT: '0', ...env, PORT: String(port), ADMIN_PORT: String(adminPort) },
    `http://127.0.0.1:${adminPort}/readyz`,
  )
  return { ...child, url: `http://127.0.0.1:${port}` }
}

/** isCustom tells a custom-measured target from an HTTP one. */
export function isCustom(t: Target | Custom): t is Custom {
  return 'run' in t
}

/** load runs autocannon against target: a warm-up, then the measured run. */
export async function load(t: Target, opts: LoadOptions): Promise<Result> {
  const base = {
    url: t.url,
    method: t.method,
    connections: opts.connections,
    headers: { ...(t.body === undefined ? {} : { 'content-type': 'application/json' }), ...t.headers },
    ...(typeof t.body === 'function'
      ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: (t.body as () => string)() }) }] }
      : t.body !== undefined
        ? { body: t.body }
        : {}),
  }
  if (opts.warmupS > 0) await autocannon({ ...base, duration: opts.warmupS })
  const r = await autocannon({ ...base, duration: opts.durationS })
  return { rps: r.requests.average, p99Ms: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx }
}

export { answers, freePort }
