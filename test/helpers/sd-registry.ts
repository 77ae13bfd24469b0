/**
 * What the etcd, ZooKeeper and Consul suites share: a tiny test-only echo
 * service (node:http on 127.0.0.1, POST /echo answers its own id), the
 * come-and-go scenario run through the registry, lb.balance and
 * per-instance circuit breakers exactly as src/main.ts's clientPolicy wires
 * them, and a registering child process that a test can kill without it
 * deregistering.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { expect, vi } from 'vitest'
import type { Endpoint } from '../../src/kit/endpoint.js'
import * as lb from '../../src/kit/lb/index.js'
import type { Instancer } from '../../src/kit/sd/instancer.js'
import type { Registrar } from '../../src/kit/sd/registrar.js'
import { openInstancer, openRegistrar, type RegistryOptions } from '../../src/kit/sd/registry.js'
import { client } from '../../src/kit/transport/http-client.js'
import * as mw from '../../src/middleware/index.js'
import { ctx } from './nop.js'

/** Echo is one running instance of the test service. */
export interface Echo {
  readonly id: string
  readonly url: string
  /** hits counts the requests it has answered. */
  hits(): number
  close(): Promise<void>
}

/** echoServer starts an instance on a free loopback port. */
export async function echoServer(id: string): Promise<Echo> {
  let hits = 0
  const srv = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      hits++
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }))
    })
  })
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address() as { port: number }
  return {
    id,
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => srv.close(() => resolve())),
  }
}

/** EchoEndpoints is the test service's client record. */
interface EchoEndpoints {
  readonly echo: Endpoint<Record<string, never>, { id: string }>
}

/** echoClient builds the client of one instance (pure: it does not connect). */
const echoClient = (instance: string): EchoEndpoints => ({
  echo: client({ method: 'POST', url: new URL('/echo', instance), decodeError: () => undefined }),
})

/** waitFor polls check until it passes (vitest's waitFor with a longer default). */
const waitFor = (check: () => void, timeout = 5_000) => vi.waitFor(check, { timeout, interval: 20 })

/**
 * comeAndGo registers two instances of service under root, then a third, then
 * deregisters and stops one, with a steady stream of calls running through
 * an instancer on target the whole time, and checks that every instance got
 * traffic while listed, the dropped one's breakers were shut, and no call
 * failed.
 */
export async function comeAndGo(target: string, root: string, service: string, opts: RegistryOptions = {}): Promise<{ calls: number; msToDrop: number }> {
  const [a, b, c] = await Promise.all([echoServer('a'), echoServer('b'), echoServer('c')])
  const registrars: Registrar[] = []
  const register = async (e: Echo): Promise<Registrar> => {
    const r = await openRegistrar(root, service, e.url, opts)
    registrars.push(r)
    await r.register()
    return r
  }
  let instancer: Instancer | undefined
  let running = true
  const workers: Promise<void>[] = []
  try {
    instancer = await openInstancer(target, opts)
    const listed = (): readonly string[] => (instancer as Instancer).current().instances
    const dropped = new Map<string, AbortSignal>()
    const svc = lb.balance(instancer, echoClient, {
      name: 'echo',
      maxAttempts: 3,
      timeoutMs: 1_000,
      perInstance: (instance, method, gone) => {
        dropped.set(instance, gone)
        return mw.circuitBreaker({ name: `echo.${method}@${instance}`, resetTimeoutMs: 2_000, until: gone })
      },
    })

    await register(a)
    const rb = await register(b)
    await waitFor(() => expect(listed()).toEqual([a.url, b.url].sort()))

    // A steady stream: four callers in a loop, across every change below.
    const failures: unknown[] = []
    const seen = new Map<string, number>()
    let calls = 0
    const worker = async (): Promise<void> => {
      while (running) {
        try {
          const { id } = await svc.echo(ctx(), {})
          seen.set(id, (seen.get(id) ?? 0) + 1)
        } catch (err) {
          failures.push(err)
        }
        calls++
        await new Promise((r) => setTimeout(r, 1))
      }
    }
    for (let i = 0; i < 4; i++) workers.push(worker())
    await waitFor(() => expect([seen.get('a'), seen.get('b')].every((n) => (n ?? 0) > 5)).toBe(true))

    // A third instance comes: it is listed and receives traffic.
    await register(c)
    await waitFor(() => expect(listed()).toEqual([a.url, b.url, c.url].sort()))
    await waitFor(() => expect(seen.get('c') ?? 0).toBeGreaterThan(5))

    // b leaves gracefully: deregister first, stop once consumers have let go.
    const leaving = Date.now()
    await rb.deregister()
    await waitFor(() => expect(listed()).toEqual([a.url, c.url].sort()))
    const msToDrop = Date.now() - leaving
    await waitFor(() => expect(dropped.get(b.url)?.aborted).toBe(true))
    expect(dropped.get(a.url)?.aborted).toBe(false)
    await new Promise((r) => setTimeout(r, 50)) // calls picked before the drop may still be in flight
    const bHits = b.hits()
    await new Promise((r) => setTimeout(r, 200))
    expect(b.hits()).toBe(bHits) // nothing new reaches b once it is dropped
    await b.close()
    const before = calls
    await waitFor(() => expect(calls - before).toBeGreaterThan(50))

    running = false
    await Promise.all(workers)
    expect(failures).toEqual([])
    expect(calls).toBeGreaterThan(100)
    return { calls, msToDrop }
  } finally {
    running = false
    await Promise.all(workers)
    instancer?.stop()
    await Promise.all(registrars.map((r) => r.deregister()))
    await Promise.all([a, b, c].map((e) => e.close().catch(() => undefined)))
  }
}

/** Child is a process that registered an instance and can be killed without deregistering. */
export interface Child {
  readonly process: ChildProcess
  /** registered resolves once the child says its registration is in the registry. */
  readonly registered: Promise<void>
}

const registryModule = fileURLToPath(new URL('../../src/kit/sd/registry.ts', import.meta.url))

/** spawnRegistered starts a node process that registers advertise as service under root, then idles. */
export function spawnRegistered(root: string, service: string, advertise: string, ttlMs: number): Child {
  const code = `
    const { openRegistrar } = await import(${JSON.stringify(registryModule)})
    const r = await openRegistrar(${JSON.stringify(root)}, ${JSON.stringify(service)}, ${JSON.stringify(advertise)}, { ttlMs: ${ttlMs} })
    await r.register()
    console.log('registered')
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const registered = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('registered')) resolve()
    })
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`registering child exited with ${code}:\n${out}`)))
  })
  registered.catch(() => undefined)
  return { process: child, registered }
}

/**
 * diesWithoutDeregistering registers an instance from a child process, kills
 * it with SIGKILL and measures how long the registration takes to vanish
 * from an instancer on target.
 */
export async function diesWithoutDeregistering(target: string, root: string, service: string, ttlMs: number, limitMs: number): Promise<number> {
  const advertise = `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`
  const instancer = await openInstancer(target)
  const child = spawnRegistered(root, service, advertise, ttlMs)
  try {
    await child.registered
    await waitFor(() => expect(instancer.current().instances).toContain(advertise))
    child.process.kill('SIGKILL')
    await once(child.process, 'exit')
    const killed = Date.now()
    await waitFor(() => expect(instancer.current().instances).not.toContain(advertise), limitMs)
    return Date.now() - killed
  } finally {
    child.process.kill('SIGKILL')
    instancer.stop()
  }
}
