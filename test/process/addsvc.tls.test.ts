// TLS and mutual TLS as users run them, with certificates this test makes
// (a throwaway CA, a server certificate for 127.0.0.1 and a client one, by
// the openssl CLI): an addsvc process with TLS_CERT_FILE, TLS_KEY_FILE and
// TLS_CLIENT_CA_FILE refuses plain HTTP and callers without a certificate
// of that CA and serves those with one; an edge (SERVICES=none) with
// CLIENT_CA_FILE, CLIENT_CERT_FILE and CLIENT_KEY_FILE serves POST /sum over
// plain HTTP by calling it over mutual TLS, and without its certificate the
// call fails as 503, not 500. Bad TLS settings stop the process at start
// with a ConfigError naming the variable.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { type Running, spawnMain } from '../helpers/process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'tskit-tls-'))
const file = (name: string): string => join(dir, name)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** openssl runs the openssl CLI in the certificate directory. */
function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']

/** issue makes name.pem and name.key, signed by the CA named ca, for the given extended key usage. */
function issue(name: string, ca: string, usage: 'serverAuth' | 'clientAuth'): void {
  const san = usage === 'serverAuth' ? ['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'] : []
  openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', `extendedKeyUsage=${usage}`, ...san)
}

beforeAll(() => {
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=tskit test CA')
  openssl('req', '-x509', ...ec, '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.pem', '-subj', '/CN=someone else')
  issue('server', 'ca', 'serverAuth')
  issue('client', 'ca', 'clientAuth')
  issue('rogue', 'rogue-ca', 'clientAuth')
  writeFileSync(file('not-pem.txt'), 'hello\n')
})

const serverTls = () => ({ TLS_CERT_FILE: file('server.pem'), TLS_KEY_FILE: file('server.key'), TLS_CLIENT_CA_FILE: file('ca.pem') })
const pem = (name: string): string => readFileSync(file(name), 'utf8')

/** sum calls POST /sum at url through dispatcher (default: undici's global agent). */
async function sum(url: string, dispatcher?: Agent): Promise<{ status: number; body: unknown }> {
  const res = await request(`${url}/sum`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":40,"b":2}',
    ...(dispatcher && { dispatcher }),
  })
  return { status: res.statusCode, body: await res.body.json() }
}

describe('addsvc over TLS with client certificates required', () => {
  let instance: Running
  let https: string
  const agents: Agent[] = []
  const agent = (connect: { ca?: string; cert?: string; key?: string }): Agent => {
    const a = new Agent({ connect })
    agents.push(a)
    return a
  }
  beforeAll(async () => {
    instance = await spawnMain({ SERVICES: 'addsvc', ...serverTls() })
    https = `https://127.0.0.1:${instance.port}`
  }, 40_000)
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()))
    await instance.stop()
  })

  it('refuses plain HTTP', async () => {
    await expect(sum(instance.url)).rejects.toThrow()
  })

  it('refuses a caller without a client certificate, or with one from another CA', async () => {
    await expect(sum(https, agent({ ca: pem('ca.pem') }))).rejects.toThrow()
    await expect(sum(https, agent({ ca: pem('ca.pem'), cert: pem('rogue.pem'), key: pem('rogue.key') }))).rejects.toThrow()
  })

  it("is refused by a caller that does not trust the server's CA", async () => {
    await expect(sum(https, agent({ cert: pem('client.pem'), key: pem('client.key') }))).rejects.toThrow(/self-signed|unable to verify|certificate/i)
  })

  it('serves a caller with a certificate of TLS_CLIENT_CA_FILE', async () => {
    expect(await sum(https, agent({ ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') }))).toEqual({ status: 200, body: { v: 42 } })
  })

  it('an edge with CLIENT_*_FILE serves /sum over plain HTTP, calling the instance over mutual TLS', async () => {
    const edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: https, CLIENT_CA_FILE: file('ca.pem'), CLIENT_CERT_FILE: file('client.pem'), CLIENT_KEY_FILE: file('client.key') })
    try {
      expect(await sum(edge.url)).toEqual({ status: 200, body: { v: 42 } })
    } finally {
      await edge.stop()
    }
  }, 40_000)

  it('an edge without its client certificate fails the call as 503, not 500', async () => {
    const edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: https, CLIENT_CA_FILE: file('ca.pem') })
    try {
      const res = await sum(edge.url)
      expect(res.status).toBe(503)
      expect(res.body).toMatchObject({ code: 'UNAVAILABLE', error: expect.stringMatching(/upstream unreachable/) })
    } finally {
      await edge.stop()
    }
  }, 40_000)
})

describe('TLS configuration', () => {
  it('reads the PEM files; the advertised address becomes https', () => {
    const config = parseConfig({ HOST: '127.0.0.1', ...serverTls(), CLIENT_CA_FILE: file('ca.pem'), CLIENT_CERT_FILE: file('client.pem'), CLIENT_KEY_FILE: file('client.key') })
    expect(config.tls).toEqual({ cert: pem('server.pem'), key: pem('server.key'), clientCa: pem('ca.pem') })
    expect(config.clientTls).toEqual({ ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') })
    expect(config.advertiseUrl).toBe('https://127.0.0.1:8081')
    expect(parseConfig({}).tls).toBeUndefined()
    expect(parseConfig({}).clientTls).toBeUndefined()
    expect(parseConfig({ CLIENT_CA_FILE: file('ca.pem') }).clientTls).toEqual({ ca: pem('ca.pem') })
  })

  it.each([
    ['a missing file', { TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: 'server.key' }, /TLS_CERT_FILE="\/nonexistent\/cert.pem" is invalid: a readable PEM file \(ENOENT\)/],
    ['a certificate without its key', { TLS_CERT_FILE: 'server.pem' }, /TLS_KEY_FILE="" is invalid: set together with TLS_CERT_FILE/],
    ['a key without its certificate', { CLIENT_KEY_FILE: 'client.key' }, /CLIENT_CERT_FILE="" is invalid: set together with CLIENT_KEY_FILE/],
    ['a key that is not the certificate’s', { TLS_CERT_FILE: 'server.pem', TLS_KEY_FILE: 'client.key' }, /TLS_KEY_FILE=".*client.key" is invalid: the private key of the certificate in TLS_CERT_FILE/],
    ['a file that is not PEM', { CLIENT_CA_FILE: 'not-pem.txt' }, /CLIENT_CA_FILE=".*not-pem.txt" is invalid: a PEM file holding a certificate/],
    ['a certificate where a key belongs', { CLIENT_CERT_FILE: 'client.pem', CLIENT_KEY_FILE: 'client.pem' }, /CLIENT_KEY_FILE=".*client.pem" is invalid: a PEM file holding a private key/],
    ['a client CA without TLS', { TLS_CLIENT_CA_FILE: 'ca.pem' }, /TLS_CLIENT_CA_FILE=".*ca.pem" is invalid: needs TLS_CERT_FILE and TLS_KEY_FILE/],
  ])('%s is a ConfigError naming the variable', (_what, vars, message) => {
    const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.startsWith('/') ? v : file(v)]))
    expect(() => parseConfig(env)).toThrow(message)
  })

  it('a missing file stops the process at start with exit 2 and a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, SERVICES: 'addsvc', TLS_CERT_FILE: file('server.pem'), TLS_KEY_FILE: file('gone.key') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(2)
    expect(err).toMatch(/TLS_KEY_FILE=".*gone.key" is invalid: a readable PEM file \(ENOENT\)/)
  }, 30_000)
})
