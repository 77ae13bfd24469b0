// The build as npm start runs it: `npm run build` (tsc, then scripts/bundle.ts
// writing dist/main.js), then exactly npm start's node command line, read
// from package.json, on a fresh PGlite data dir. The bundle must serve every
// transport (gRPC finds its .proto beside its own module), keep data, and
// leave the packages OpenTelemetry instruments to Node's loader.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { freePort, type Running, spawnMain } from '../helpers/process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** startArgv is npm start's node command line without "node", read from package.json. */
async function startArgv(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const command = /(?:^|&& )node (.+)$/.exec(pkg.scripts.start)?.[1]
  if (command === undefined) throw new Error(`npm start runs no node command: ${pkg.scripts.start}`)
  return command.split(/\s+/)
}

describe('the build, started as npm start starts it', () => {
  let main: Running | undefined
  let dataDir: string
  let grpcPort: number
  let jsonrpcPort: number
  let argv: string[]
  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: root })
    argv = await startArgv()
    dataDir = await mkdtemp(join(tmpdir(), 'tskit-build-'))
    grpcPort = await freePort()
    jsonrpcPort = await freePort()
    main = await spawnMain({ DATA_DIR: dataDir, DATABASE_URL: '', GRPC_PORT: String(grpcPort), JSONRPC_PORT: String(jsonrpcPort) }, 60_000, [], argv)
  }, 180_000)
  afterAll(async () => {
    await main?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('runs the bundle', () => {
    expect(argv.at(-1)).toBe('dist/main.js')
  })

  it('serves HTTP, gRPC and JSON-RPC, and keeps a profile in PGlite', async () => {
    const sum = await fetch(`${main?.url}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 2, b: 3 }) })
    expect(await sum.json()).toEqual({ v: 5 })
    const grpc = addtransport.grpcClient(`127.0.0.1:${grpcPort}`)
    try {
      expect(await grpc.sum(background('build-grpc'), { a: 4, b: 5 })).toEqual({ v: 9 })
    } finally {
      grpc.close()
    }
    const rpc = addtransport.jsonrpcClient(`http://127.0.0.1:${jsonrpcPort}`)
    expect(await rpc.concat(background('build-jsonrpc'), { a: 'to', b: 'gether' })).toEqual({ v: 'together' })
    const post = await fetch(`${main?.url}/profiles/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'built', name: 'Ada' }) })
    expect(post.status).toBe(200)
    expect(await (await fetch(`${main?.url}/profiles/built`)).json()).toEqual({ profile: { id: 'built', name: 'Ada' } })
    expect((await fetch(`${main?.url}/docs/`)).status).toBe(200)
  })

  it('imports pg, undici and OpenTelemetry from node_modules, where the instrumentations patch them', async () => {
    const bundle = await readFile(join(root, 'dist/main.js'), 'utf8')
    expect(bundle).toMatch(/import\("pg"\)/)
    expect(bundle).toMatch(/import\("undici"\)/)
    expect(bundle).toMatch(/from "@opentelemetry\/api"/)
    expect(bundle).not.toMatch(/class Pool\b/)
  })

  it('stops on SIGTERM with status 0', async () => {
    expect(await main?.stop()).toBe(0)
  })
})
