// Go kit's own addsvc client against our monolith, over HTTP, JSON-RPC, gRPC
// and Thrift, beside the same client against Go kit's own addsvc server: the
// Go program in test/interop/addsvc-gokit/ (Go kit's transports, addsvc's codecs
// copied from go-kit/examples) is built offline in GOPATH mode against
// Debian's Go kit 0.10.0 (.ci/services/go.sh installs it), cached under /tmp
// by the hash of its sources, and asked the same calls on both servers. Where
// Go kit's server answers well we must answer the same, to the letter; the
// one difference is where Go kit's answers badly (it drops business errors
// over JSON-RPC) and is asserted as such. Skipped, saying why, when Go or
// Go kit's sources are not installed.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type Running, spawnMain } from '../helpers/process.js'

const here = fileURLToPath(new URL('./addsvc-gokit/', import.meta.url))
const idl = fileURLToPath(new URL('../../src/transports/addsvc/addsvc.thrift', import.meta.url))
const gocode = '/usr/share/gocode/src'

/** missing names what the build needs and this machine lacks, or is undefined when all is there. */
function missing(): string | undefined {
  if (spawnSync('go', ['version']).status !== 0) return 'go is not installed'
  if (spawnSync('thrift', ['-version']).status !== 0) return 'the thrift compiler is not installed'
  for (const dir of ['github.com/go-kit/kit/transport/http/jsonrpc', 'google.golang.org/grpc', 'github.com/apache/thrift/lib/go/thrift']) {
    if (!existsSync(`${gocode}/${dir}`)) return `${gocode}/${dir} is missing`
  }
  return undefined
}

const why = missing()
if (why) console.warn(`gokit.test.ts: SKIPPED, ${why} (.ci/services/go.sh start installs the Debian packages)`)

/** sources lists the Go program's files, relative to test/interop/addsvc-gokit/. */
const sources = (dir = '', out: string[] = []): string[] => {
  for (const e of readdirSync(`${here}${dir}`, { withFileTypes: true })) {
    if (e.isDirectory()) sources(`${dir}${e.name}/`, out)
    else if (e.name.endsWith('.go')) out.push(`${dir}${e.name}`)
  }
  return out.sort()
}

/**
 * build compiles the Go program once per content of its sources, the IDL and
 * the toolchain: in a scratch GOPATH (the program as tskit/interop/gokit,
 * Thrift's Go code generated there), then renamed into place, so concurrent
 * runs never see half a binary.
 */
function build(): { bin: string; ms: number } {
  const hash = createHash('sha256')
  for (const f of sources()) hash.update(f).update(readFileSync(`${here}${f}`))
  hash.update(readFileSync(idl)).update(execFileSync('go', ['version'])).update(execFileSync('thrift', ['-version']))
  const bin = `/tmp/tskit-gokit-addsvc-${hash.digest('hex').slice(0, 16)}`
  if (existsSync(bin)) return { bin, ms: 0 }
  const began = Date.now()
  const gopath = `/tmp/tskit-gokit-build-${randomUUID().slice(0, 8)}`
  const pkg = `${gopath}/src/tskit/interop/gokit`
  try {
    mkdirSync(`${pkg}/gen-go`, { recursive: true })
    for (const f of sources()) cpSync(`${here}${f}`, `${pkg}/${f}`)
    execFileSync('thrift', ['-r', '--gen', 'go', '-out', `${pkg}/gen-go`, idl])
    const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOFLAGS: '', GOPROXY: 'off', GOCACHE: '/tmp/tskit-gokit-gocache' }
    execFileSync('go', ['build', '-o', `${bin}.${process.pid}`, '.'], { cwd: pkg, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 })
    renameSync(`${bin}.${process.pid}`, bin)
  } finally {
    rmSync(gopath, { recursive: true, force: true })
  }
  return { bin, ms: Date.now() - began }
}

/** Answer is what Go kit's client got for one call: the value as text, and the error's text ("" for none). */
interface Answer {
  readonly call: readonly string[]
  readonly v: string
  readonly err: string
}

/** ask runs Go kit's client (flag names its transport's address flag) on calls and returns its answers. */
function ask(bin: string, flag: string, addr: string, calls: readonly (readonly string[])[]): Answer[] {
  const r = spawnSync(bin, ['client', `-${flag}`, addr], { input: calls.map((c) => JSON.stringify(c)).join('\n') + '\n', timeout: 30_000 })
  if (r.status !== 0) throw new Error(`Go kit's client (${flag} ${addr}) failed: ${r.stderr.toString()}`)
  return r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Answer)
}

// The calls of the done criterion, and the boundaries around them.
const calls = [
  ['sum', '1', '2'],
  ['concat', 'a', 'b'],
  ['sum', '0', '0'],
  ['concat', 'hello', 'world!'],
  ['sum', '2147483647', '1'],
  ['sum', '-2147483648', '-1'],
  ['sum', '2147483646', '1'],
  ['concat', 'héllo', 'wör'],
] as const

// What Go kit's client reports for each call over a transport that carries
// business errors, by reading addsvc's code: over HTTP only the status line
// (decodeHTTPSumResponse returns errors.New(r.Status)), over gRPC the message.
const ok = (v: string): Omit<Answer, 'call'> => ({ v, err: '' })
const expected = (failed: (message: string) => Omit<Answer, 'call'>, failedConcat: (message: string) => Omit<Answer, 'call'>) => [
  ok('3'),
  ok('ab'),
  failed("can't sum two zeroes"),
  failedConcat('result exceeds maximum size'),
  failed('integer overflow'),
  failed('integer overflow'),
  ok('2147483647'),
  ok('héllowör'),
]

describe.skipIf(why !== undefined)("Go kit's addsvc client", () => {
  let bin: string
  let ours: Running
  let oursAt: Record<'http' | 'jsonrpc' | 'grpc' | 'thrift', string>
  let theirsAt: typeof oursAt
  let theirs: ReturnType<typeof spawn> | undefined

  beforeAll(async () => {
    const built = build()
    bin = built.bin
    console.warn(`gokit.test.ts: Go kit's addsvc ${built.ms === 0 ? 'from cache' : `built in ${built.ms} ms`} (${bin})`)
    const [grpc, jsonrpc, thrift] = [await freePort(), await freePort(), await freePort()]
    ours = await spawnMain({ SERVICES: 'addsvc', GRPC_PORT: String(grpc), JSONRPC_PORT: String(jsonrpc), THRIFT_PORT: String(thrift) })
    oursAt = { http: `127.0.0.1:${ours.port}`, jsonrpc: `127.0.0.1:${jsonrpc}`, grpc: `127.0.0.1:${grpc}`, thrift: `127.0.0.1:${thrift}` }
    const server = spawn(bin, ['server'], { stdio: ['ignore', 'pipe', 'inherit'] })
    theirs = server
    const first = await new Promise<string>((resolve, reject) => {
      server.once('error', reject)
      server.once('exit', (code) => reject(new Error(`Go kit's addsvc exited with ${code}`)))
      createInterface({ input: server.stdout }).once('line', resolve)
    })
    theirsAt = JSON.parse(first) as typeof oursAt
  }, 660_000)
  afterAll(async () => {
    theirs?.kill('SIGKILL')
    await ours?.stop()
  })

  const both = (transport: keyof typeof oursAt, flag: string) => ({
    ours: ask(bin, flag, oursAt[transport], calls),
    theirs: ask(bin, flag, theirsAt[transport], calls),
  })
  const withCalls = (answers: readonly Omit<Answer, 'call'>[]) => answers.map((a, i) => ({ call: calls[i], ...a }))

  it('gets over HTTP exactly what it gets from Go kit: values, and "400 Bad Request" for each business error', () => {
    const { ours, theirs } = both('http', 'http-addr')
    const badRequest = () => ({ v: '0', err: '400 Bad Request' })
    expect(theirs).toEqual(withCalls(expected(badRequest, () => ({ v: '', err: '400 Bad Request' }))))
    expect(ours).toEqual(theirs)
  })

  it("gets over gRPC exactly what it gets from Go kit: values, and Go kit's messages", () => {
    const { ours, theirs } = both('grpc', 'grpc-addr')
    expect(theirs).toEqual(withCalls(expected((err) => ({ v: '0', err }), (err) => ({ v: '', err }))))
    expect(ours).toEqual(theirs)
  })

  it("gets over Thrift exactly what it gets from Go kit (whose Thrift client never reads a reply's err)", () => {
    const { ours, theirs } = both('thrift', 'thrift-addr')
    expect(theirs).toEqual(withCalls(expected(() => ok('0'), () => ok(''))))
    expect(ours).toEqual(theirs)
  })

  it("gets over JSON-RPC Go kit's values, and the business errors Go kit's server drops", () => {
    const { ours, theirs } = both('jsonrpc', 'jsonrpc-addr')
    // Go kit's server encodes only the response's V (Err is `json:"-"`), so its own client sees no error.
    expect(theirs).toEqual(withCalls(expected(() => ok('0'), () => ok(''))))
    // Ours sends each as a JSON-RPC error (-32000), which Go kit's client returns with Go kit's message.
    expect(ours).toEqual(withCalls(expected((err) => ({ v: '0', err }), (err) => ({ v: '', err }))))
  })
})
