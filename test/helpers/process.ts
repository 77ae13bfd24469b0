/**
 * spawnMain starts src/main.ts as a real process (through tsx), on free
 * loopback ports, and waits until its admin listener says it is ready. Tests
 * of whole deployables (shutdown, split, proxying) use it; every process it
 * starts is killed when the test file ends, so no test leaves one behind.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'
import { answers, freePort } from './net.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const live = new Set<ChildProcess>()
afterAll(() => {
  for (const p of live) p.kill('SIGKILL')
})

/**
 * inherited is this process's environment less what would point a child at
 * shared state: the machine's DATABASE_URL (CI sets it for the store suite)
 * would make every child write into one PostgreSQL database, so a test that
 * wants it passes it explicitly.
 */
function inherited(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, ...rest } = process.env
  return rest
}

/** Running is one started process of ours. */
export interface Running {
  readonly url: string
  readonly adminUrl: string
  readonly port: number
  readonly adminPort: number
  readonly child: ChildProcess
  /** output is everything the process wrote to stdout and stderr so far. */
  output(): string
  /** stop sends signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * spawnMain starts one process with env (PORT and ADMIN_PORT are chosen here
 * unless given) and resolves when /readyz answers 200, or rejects after
 * timeoutMs with the process's output. preload lists modules imported before
 * main (node --import), e.g. ./src/telemetry.ts; argv, when given, is the
 * whole node command line instead (the build's, as npm start runs it).
 */
export async function spawnMain(env: Record<string, string>, timeoutMs = 30_000, preload: readonly string[] = [], argv?: readonly string[]): Promise<Running> {
  // A port freePort returned can be taken before the child binds it (an
  // outgoing connection draws from the same ephemeral range): when the ports
  // were ours to choose, such a start is tried again on fresh ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(env, timeoutMs, preload, argv)
    } catch (err) {
      const chosenHere = env.PORT === undefined || env.ADMIN_PORT === undefined
      if (!chosenHere || attempt >= 3 || !(err instanceof Error) || !err.message.includes('EADDRINUSE')) throw err
    }
  }
}

/** spawnOnce is one attempt of spawnMain. */
async function spawnOnce(env: Record<string, string>, timeoutMs: number, preload: readonly string[], argv?: readonly string[]): Promise<Running> {
  const port = Number(env.PORT ?? (await freePort()))
  const adminPort = Number(env.ADMIN_PORT ?? (await freePort()))
  const child = spawn(process.execPath, argv ?? ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'src/main.ts'], {
    cwd: root,
    // gRPC, JSON-RPC and Thrift listeners get kernel-chosen ports unless a test names them, so parallel processes never collide.
    env: { ...inherited(), LOG_LEVEL: 'warn', HOST: '127.0.0.1', GRPC_PORT: '0', JSONRPC_PORT: '0', THRIFT_PORT: '0', ...env, PORT: String(port), ADMIN_PORT: String(adminPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child)
      resolve(code)
    }),
  )
  const running: Running = {
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    port,
    adminPort,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ready:\n${out}`)
    try {
      const res = await fetch(`${running.adminUrl}/readyz`)
      if (res.status === 200) return running
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`process not ready after ${timeoutMs} ms:\n${out}`)
}

export { answers, freePort }
