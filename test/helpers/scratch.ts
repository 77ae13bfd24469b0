/**
 * Scratch copies of this repository for the journey tests (test/scripts):
 * the working tree as git would commit it, without .git, sharing
 * node_modules; commands run in them with their output returned (ANSI codes
 * stripped), and processes started from them. Everything made is removed,
 * and every process killed, when the test file ends.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll } from 'vitest'
import { freePort, type Running } from './process.js'

/** root is this repository. */
export const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
/** scratch lists the directories made, removed when the file ends. */
export const scratch: string[] = []
const live: { kill(signal: NodeJS.Signals): boolean }[] = []
afterAll(async () => {
  for (const p of live) p.kill('SIGKILL')
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })))
})

/** copy makes a scratch copy of the working tree (what git would commit), sharing node_modules unless told not to. */
export async function copy(withModules = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tskit-journey-'))
  scratch.push(dir)
  await run('bash', ['-c', `git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} '${dir}' 2>/dev/null; true`], { cwd: root, maxBuffer: 1 << 26 })
  if (withModules) await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

/** sh runs a command in dir and returns its output, failing the test with the output when it fails. */
export async function sh(dir: string, cmd: string, timeout = 300_000): Promise<string> {
  const { CI: _ci, DATABASE_URL: _db, ...env } = process.env
  try {
    const { stdout, stderr } = await run('bash', ['-c', cmd], { cwd: dir, timeout, maxBuffer: 1 << 26, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' } })
    return (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, '')
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${cmd} failed in ${dir}:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`.replace(/\x1b\[[0-9;]*m/g, ''))
  }
}

/** start runs src/main.ts of the tree at dir with env, and waits until it is ready. */
export async function start(dir: string, env: Record<string, string>, timeoutMs = 120_000): Promise<Running & { base: string }> {
  const port = await freePort()
  const adminPort = await freePort()
  const { DATABASE_URL: _db, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: dir,
    env: { ...inherited, LOG_LEVEL: 'warn', HOST: '127.0.0.1', GRPC_PORT: '0', JSONRPC_PORT: '0', THRIFT_PORT: '0', DATA_DIR: 'memory://', ...env, PORT: String(port), ADMIN_PORT: String(adminPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.push(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out}`)
    const ok = await fetch(`http://127.0.0.1:${adminPort}/readyz`).then((r) => r.status === 200, () => false)
    if (ok) break
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${out}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  const base = `http://127.0.0.1:${port}`
  return { url: base, base, adminUrl: `http://127.0.0.1:${adminPort}`, port, adminPort, child, output: () => out, stop: async () => (child.kill('SIGTERM'), null) }
}

/** post sends a JSON body and returns the status and the JSON answer. */
export const post = async (url: string, body: unknown): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as unknown }
}

