// The command-line client as users run it (src/cli.ts through tsx, a child
// process) against a real monolith on loopback: addsvc over every scheme its
// clients dial (http, grpc, jsonrpc+http, thrift, and nats when a NATS server
// answers on 127.0.0.1:4222), stringsvc and profilesvc over http. A response
// is printed as JSON with exit 0; a business error as "error: <message>
// (<CODE>)" with exit 1; a usage error names the bad argument with exit 2.
// --help lists methods read from the code, not from a list in cli.ts.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as addtransport from '../../src/transports/addsvc/index.js'
import * as profiletransport from '../../src/transports/profilesvc/index.js'
import * as stringtransport from '../../src/transports/stringsvc/index.js'
import { answers, freePort, type Running, spawnMain } from '../helpers/process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const natsUp = await answers(4222)
if (!natsUp) console.warn('cli.test.ts: the nats:// cases are SKIPPED, no NATS server answers on 127.0.0.1:4222')

const prefix = `cli-test-${randomUUID().slice(0, 8)}`
const ports = { grpc: await freePort(), jsonrpc: await freePort(), thrift: await freePort() }
let proc: Running

beforeAll(async () => {
  proc = await spawnMain({
    GRPC_PORT: String(ports.grpc),
    JSONRPC_PORT: String(ports.jsonrpc),
    THRIFT_PORT: String(ports.thrift),
    DATA_DIR: 'memory://',
    ...(natsUp ? { NATS_URL: 'nats://127.0.0.1:4222', NATS_SUBJECT_PREFIX: prefix } : {}),
  }, 60_000)
}, 90_000)
afterAll(async () => {
  await proc?.stop('SIGKILL')
})

/** Result is how one run of the CLI ended. */
interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** cli runs src/cli.ts with args, with no <NAME>_URL inherited unless env sets it, and resolves when it exits. */
async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const { ADDSVC_URL: _a, STRINGSVC_URL: _s, PROFILESVC_URL: _p, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}

const timeout = 60_000
const ok = (stdout: string): Result => ({ code: 0, stdout: `${stdout}\n`, stderr: '' })

// One process per call costs about 2 s of CPU under tsx (mostly loading
// modules), so the cases run side by side and each (method, scheme) pair of
// addsvc is called once, the business error and the <NAME>_URL default included.
describe.concurrent('the cli against a monolith', { timeout }, () => {
  const url = (scheme: string): string =>
    ({
      http: proc.url,
      grpc: `grpc://127.0.0.1:${ports.grpc}`,
      'jsonrpc+http': `jsonrpc+http://127.0.0.1:${ports.jsonrpc}`,
      thrift: `thrift://127.0.0.1:${ports.thrift}`,
      nats: `nats://127.0.0.1:4222/${prefix}`,
    })[scheme] ?? ''

  it.for(['http', 'jsonrpc+http', 'nats'])('sums positional arguments (one negative) over %s', async (scheme, { skip }) => {
    if (scheme === 'nats' && !natsUp) return skip('no NATS server answers on 127.0.0.1:4222')
    expect(await cli(['addsvc', 'sum', '-2', '44', '--url', url(scheme)])).toEqual(ok('{"v":42}'))
  })

  it.for(['http', 'grpc', 'jsonrpc+http', 'thrift', 'nats'])('concatenates key=value arguments over %s', async (scheme, { skip }) => {
    if (scheme === 'nats' && !natsUp) return skip('no NATS server answers on 127.0.0.1:4222')
    expect(await cli(['addsvc', 'concat', 'a=go', 'b=kit', `--url=${url(scheme)}`])).toEqual(ok('{"v":"gokit"}'))
  })

  it('prints a business error with its code and exits 1 (sum over grpc)', async () => {
    expect(await cli(['addsvc', 'sum', '0', '0', '--url', url('grpc')])).toEqual({ code: 1, stdout: '', stderr: "error: can't sum two zeroes (TWO_ZEROES)\n" })
  })

  it("calls the instance at the service's <NAME>_URL when --url is not given (sum over thrift)", async () => {
    expect(await cli(['addsvc', 'sum', '1', '2'], { ADDSVC_URL: url('thrift') })).toEqual(ok('{"v":3}'))
  })

  it.for([
    [['uppercase', 'hello world'], '{"v":"HELLO WORLD"}'],
    [['count', 's=héllo'], '{"v":6}'],
  ] as const)('stringsvc %j over http', async ([args, out]) => {
    expect(await cli(['stringsvc', ...args, '--url', proc.url])).toEqual(ok(out))
  })

  it('posts, gets and deletes a profile over http', async () => {
    const id = `cli-${randomUUID().slice(0, 8)}`
    const profile = { id, name: 'Ann', addresses: [{ id: 'home', location: 'here' }] }
    expect(await cli(['profilesvc', 'postProfile', `profile=${JSON.stringify(profile)}`, '--url', proc.url])).toEqual(ok('{}'))
    expect(await cli(['profilesvc', 'getProfile', id, '--url', proc.url])).toEqual(ok(JSON.stringify({ profile })))
    // Deleting answers RECORD_NOT_FOUND for a profile that is not there, so {} says it was.
    expect(await cli(['profilesvc', 'deleteProfile', `id=${id}`, '--url', proc.url])).toEqual(ok('{}'))
  })

  it.for([
    [['addsvc', 'sum', '1', 'x'], /^error: bad argument b=x: not JSON, expected integer\nusage: npm run cli -- addsvc sum a:integer b:integer\n$/],
    [['profilesvc', 'postProfile', 'profile={"name":"no id"}'], /^error: bad argument profile=.*: must have required properties id\n/],
  ] as const)('%j exits 2 naming the bad argument, before any call', async ([args, message]) => {
    // Port 9 (discard) is not ours: a usage error must fail before any call is made.
    const r = await cli([...args, '--url', 'http://127.0.0.1:9'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
  })

  it('--help lists every method with its arguments, read from the code, and the schemes each service dials', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    const source = readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8')
    const methods = [addtransport.requests, stringtransport.requests, profiletransport.requests].flatMap((t) => Object.keys(t))
    expect(methods.filter((m) => !source.includes(m))).toContain('deleteAddress')
    for (const m of methods) expect(r.stdout).toMatch(new RegExp(`^  ${m} `, 'm'))
    expect(r.stdout).toMatch(/^ {2}getAddress profileId:string addressId:string$/m)
    expect(r.stdout).toMatch(/^ {2}sum a:integer b:integer$/m)
    expect(r.stdout).toMatch(/^addsvc {2}\(dials http: https: jsonrpc\+http: jsonrpc\+https: grpc: thrift: nats:;/m)
    expect(r.stdout).toMatch(/^profilesvc {2}\(dials http: https:;/m)
  })
})
