/**
 * The benchmark's processes. Every server, ours and each baseline alike, is
 * compiled JavaScript started by the same node binary with the same flags
 * (BENCH_NODE_FLAGS, none by default) and pinned to the server core; ours is
 * started with exactly `npm start`'s node command line, read from
 * package.json so the two cannot drift apart. Load tools and sinks run on the
 * other core. Servers get a minimal environment (no OTEL_* or DATABASE_URL
 * leaking in from the shell) and write their logs to files, as `npm start >
 * app.log` would. Nothing here measures; load.ts does.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { serviceNames, services } from '../src/registry.js'
import { freePort } from '../test/helpers/net.js'

/** pinned keeps servers on CPU 1 and load on CPU 0 (BENCH_PIN=0 turns it off): unpinned, a ratio moves ±15 %. */
export const pinned = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && existsSync('/usr/bin/taskset')

/** nodeFlags are given to every server's node, ours and the baselines' alike. */
export const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')

/** root is the repository root (this file runs as dist/bench/lib.js). */
export const root = fileURLToPath(new URL('../../', import.meta.url))

/** scratch is this run's temporary directory (logs, data dirs, profiles); run.ts removes it. */
export const scratch = await mkdtemp(join(tmpdir(), 'tskit-bench-'))

/** onCore returns the command that runs argv on the server's or the load generator's core. */
export function onCore(side: 'server' | 'load', argv: readonly string[]): [string, string[]] {
  const [cmd = process.execPath, ...rest] = argv
  return pinned ? ['taskset', ['-c', side === 'server' ? '1' : '0', cmd, ...rest]] : [cmd, rest]
}

/** pinSelf moves the harness to the load generator's core, so it never takes the servers' time. */
export function pinSelf(): void {
  if (pinned) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
}

/** Server is a started server process. */
export interface Server {
  readonly name: string
  readonly pid: number
  /** url is its public HTTP address. */
  readonly url: string
  /** launchedAt is performance.now() when it was spawned. */
  readonly launchedAt: number
  /** stop sends SIGTERM and waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>
}

/** Ours is our monolith (or one part of a split), with its other listeners. */
export interface Ours extends Server {
  readonly admin: string
  readonly grpcPort: number
  readonly jsonrpcPort: number
}

const inherited = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']

/** Launch says how a server's node is started beyond its arguments; only the instruction count uses it. */
export interface Launch {
  /** wrapper runs before node (e.g. valgrind and its options), never for a timed figure. */
  readonly wrapper?: readonly string[]
  /** readyMs is how long the server may take to answer readyUrl (default 60 s). */
  readonly readyMs?: number
}

/** spawnServer runs node with args on the server core and waits until readyUrl answers 200 (launch.readyMs, 60 s by default; no wait without one). */
export async function spawnServer(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  readyUrl: string | undefined,
  url: string,
  side: 'server' | 'load' = 'server',
  launch: Launch = {},
): Promise<Server> {
  const base = Object.fromEntries(inherited.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])))
  const log = join(scratch, `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}.log`)
  const out = openSync(log, 'a')
  const [cmd, argv] = onCore(side, [...(launch.wrapper ?? []), process.execPath, ...nodeFlags, ...args])
  const launchedAt = performance.now()
  const child = spawn(cmd, argv, { cwd: root, env: { ...base, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', out, out] })
  closeSync(out)
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  const server = { name, pid: child.pid ?? 0, url, launchedAt, stop }
  if (readyUrl === undefined) return server
  const readyMs = launch.readyMs ?? 60_000
  const deadline = Date.now() + readyMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${log}:\n${await readFile(log, 'utf8')}`)
    if (await fetch(readyUrl).then((r) => r.ok, () => false)) return server
    await new Promise((r) => setTimeout(r, 20))
  }
  await stop()
  throw new Error(`${name} not ready after ${readyMs / 1000} s; see ${log}`)
}

/** startArgv is `npm start`'s node command line without "node", read from package.json. */
export async function startArgv(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  const command = pkg.scripts?.start?.split('&&').map((s) => s.trim()).find((s) => s.startsWith('node '))
  if (command === undefined) throw new Error("package.json's start script runs no node command")
  return command.split(/\s+/).slice(1)
}

/** OursOptions say how to start ours beyond its environment. */
export interface OursOptions {
  /** nodeArgs go before npm start's own arguments (e.g. --cpu-prof); never used for a measured figure. */
  readonly nodeArgs?: readonly string[]
  /** wait: false returns once spawned, before it is ready (readiness then is the caller's business). */
  readonly wait?: boolean
  readonly launch?: Launch
}

/** oursHost is the address ours listens on (its HOST), which the instruction count's callgrind_control needs to know. */
export const oursHost = '127.0.0.1'

/**
 * spawnOurs starts ours as users do, with env on fresh loopback ports, every
 * middleware on, the rate limits set far above any load this machine makes.
 */
export async function spawnOurs(name: string, env: Record<string, string>, opts: OursOptions = {}): Promise<Ours> {
  const [port, adminPort, grpcPort, jsonrpcPort, thriftPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()]
  // Every rate-limited method of the registry, far above any load here: the limiter stays in the path without throttling.
  const limits = Object.fromEntries(
    serviceNames.flatMap((n) => (services[n].limits as readonly string[]).map((m) => [`${m.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_RATE_LIMIT`, '1000000'])),
  )
  const ports = {
    HOST: oursHost,
    PORT: String(port),
    ADMIN_PORT: String(adminPort),
    GRPC_PORT: String(grpcPort),
    JSONRPC_PORT: String(jsonrpcPort),
    THRIFT_PORT: String(thriftPort),
  }
  const admin = `http://127.0.0.1:${adminPort}`
  const args = [...(opts.nodeArgs ?? []), ...(await startArgv())]
  const server = await spawnServer(name, args, { ...limits, ...env, ...ports }, opts.wait === false ? undefined : `${admin}/readyz`, `http://127.0.0.1:${port}`, 'server', opts.launch)
  return { ...server, admin, grpcPort, jsonrpcPort }
}

/** BaselineOptions say where a baseline runs (a sink runs on the load core) and whether to wait for it. */
export interface BaselineOptions {
  readonly side?: 'server' | 'load'
  readonly wait?: boolean
  /** nodeArgs go before the file (e.g. --cpu-prof); never used for a measured figure. */
  readonly nodeArgs?: readonly string[]
  readonly launch?: Launch
}

/** spawnBaseline starts a hand-written baseline, dist/bench/<file>, on a fresh BARE_PORT. */
export async function spawnBaseline(name: string, file: string, env: Record<string, string> = {}, opts: BaselineOptions = {}): Promise<Server> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const ready = opts.wait === false ? undefined : `${url}/readyz`
  return spawnServer(name, [...(opts.nodeArgs ?? []), join('dist/bench', file)], { ...env, BARE_PORT: String(port) }, ready, url, opts.side ?? 'server', opts.launch)
}

/** seedId names the profile every PGlite data dir and database of the benchmark holds. */
export const seedId = 'bench-read'

/** seedProfile is that profile: a name and two addresses, so a read joins rows. */
export const seedProfile = JSON.stringify({ id: seedId, name: 'Reader', addresses: [{ id: 'home', location: 'Somewhere 1' }, { id: 'work' }] })

/** seed creates the seed profile through ours, and fails loudly if it cannot. */
export async function seed(ours: Server): Promise<void> {
  const res = await fetch(`${ours.url}/profiles/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: seedProfile })
  if (res.status !== 200) throw new Error(`seeding ${ours.name} failed: ${res.status} ${await res.text()}`)
}

let image: Promise<string> | undefined

/** pgliteDir returns a fresh copy of one migrated, seeded PGlite data dir, made once per run by ours. */
export async function pgliteDir(): Promise<string> {
  image ??= (async () => {
    const dir = join(scratch, 'pglite-image')
    const ours = await spawnOurs('pglite-image', { DATA_DIR: dir, SERVICES: 'profilesvc' })
    try {
      await seed(ours)
    } finally {
      await ours.stop()
    }
    return dir
  })()
  const copy = await mkdtemp(join(scratch, 'data-'))
  await cp(await image, copy, { recursive: true })
  return copy
}

/** Database is a PostgreSQL database of the run's own. */
export interface Database {
  readonly url: string
  /** stop drops it, closing what is still connected. */
  stop(): Promise<void>
}

/**
 * database creates a database of the run's own on the server at DATABASE_URL
 * (else 127.0.0.1:5432/test's server); ours always uses the schema
 * "profilesvc", so a database apart is what keeps runs from colliding. When
 * no server answers it says so and returns undefined.
 */
export async function database(): Promise<Database | undefined> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2_000 })
    await client.connect()
    await client.query(statement).finally(() => client.end())
  }
  const name = `tskit_bench_${randomBytes(4).toString('hex')}`
  try {
    await admin(`create database ${name}`)
  } catch (err) {
    process.stderr.write(`SKIPPED: no PostgreSQL server answers at ${serverUrl} (${(err as Error).message})\n`)
    return undefined
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return { url: url.href, stop: () => admin(`drop database if exists ${name} with (force)`) }
}

/** cleanUp removes this run's scratch directory. */
export async function cleanUp(): Promise<void> {
  await rm(scratch, { recursive: true, force: true })
}

export { freePort }
