/**
 * A PostgreSQL server of a test's own: initdb into a temporary directory and
 * pg_ctl on a free loopback port, so a test may stop and start it at will
 * without touching the shared server. initdb refuses to run as root, so as
 * root every command runs as the `postgres` OS user (runuser). The caller
 * must call remove(), which stops the server and deletes the directory.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './process.js'

const run = promisify(execFile)

/** PgServer is a started server of our own. */
export interface PgServer {
  readonly url: string
  start(): Promise<void>
  /** stop shuts the server down ("fast": clients are disconnected, nothing is lost). */
  stop(): Promise<void>
  remove(): Promise<void>
}

/** findBinaries returns the directory holding initdb and pg_ctl, or undefined. */
export function findBinaries(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'])
  return dirs.find((d) => d !== '' && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')))
}

/** startPgServer initdbs and starts a server; it rejects (after cleaning up) if either fails. */
export async function startPgServer(bin: string): Promise<PgServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tskit-pg-'))
  const data = join(dir, 'data')
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const as = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { timeout: 60_000 }) : run(join(bin, cmd), args, { timeout: 60_000 })
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`
  let running = false
  const server: PgServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await as('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'])
      running = true
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
      running = false
    },
    async remove() {
      if (running) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    },
  }
  try {
    await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'])
    await server.start()
    return server
  } catch (err) {
    await server.remove()
    throw err
  }
}
