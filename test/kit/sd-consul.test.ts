// Service discovery on Consul, against a real Consul agent at
// CONSUL_HTTP_ADDR when it names a loopback address and answers (skipped,
// saying so, otherwise: neither Debian nor the npm registry ships a Consul
// server here, and a stub pretending to be Consul would prove nothing).
// Every run uses its own random service names and deregisters them
// afterwards. Instances come and go under a steady stream of balanced calls
// with no failure; a registration whose process was killed drops out when
// its TTL check turns critical; an instance registered without Meta.url (as
// Go kit's registrar does) is found by address and port; an unreachable
// agent is reported; bad registry URLs are refused with their name.
import { randomUUID } from 'node:crypto'
import { request } from 'undici'
import { afterAll, describe, expect, it } from 'vitest'
import { openInstancer, openRegistrar } from '../../src/kit/sd/registry.js'
import { freePort } from '../helpers/net.js'
import { comeAndGo, diesWithoutDeregistering } from '../helpers/sd-registry.js'

/** agentAddress returns CONSUL_HTTP_ADDR as host:port when it is a loopback address, else a reason to skip. */
function agentAddress(): { addr?: string; why?: string } {
  const raw = process.env.CONSUL_HTTP_ADDR
  if (!raw) return { why: 'CONSUL_HTTP_ADDR is not set' }
  let u: URL
  try {
    u = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`)
  } catch {
    return { why: `CONSUL_HTTP_ADDR=${raw} is not an address` }
  }
  if (u.protocol !== 'http:') return { why: `CONSUL_HTTP_ADDR=${raw} is not plain http` }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return { why: `CONSUL_HTTP_ADDR=${raw} is not a loopback address; this suite only talks to 127.0.0.1 or ::1` }
  return { addr: `${u.hostname === 'localhost' ? '127.0.0.1' : u.hostname}:${u.port || '8500'}` }
}

/** agent calls the Consul agent's HTTP API directly (setup and cleanup only). */
async function agent(addr: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await request(`http://${addr}${path}`, { method, signal: AbortSignal.timeout(3_000), ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await res.body.text()
  return { status: res.statusCode, json: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

const { addr, why } = agentAddress()
const up = addr !== undefined && (await agent(addr, 'GET', '/v1/status/leader').then((r) => r.status === 200, () => false))
if (!up) console.warn(`sd-consul.test.ts: SKIPPED the Consul suite, no Consul agent to test against (${why ?? `no agent answers at ${addr}`})`)

describe.skipIf(!up)('Consul registry', () => {
  const a = addr as string
  const prefix = `tskit-test-${randomUUID().slice(0, 8)}`
  const registry = `consul://${a}`
  afterAll(async () => {
    const { json } = await agent(a, 'GET', '/v1/agent/services')
    const ours = Object.values(json as Record<string, { ID: string; Service: string }>).filter((s) => s.Service.startsWith(prefix))
    for (const s of ours) await agent(a, 'PUT', `/v1/agent/service/deregister/${encodeURIComponent(s.ID)}`)
  })

  it('registers the service with its URL in Meta and a passing TTL check, and removes it on deregister', async () => {
    const id = `${prefix}-one`
    const r = await openRegistrar(registry, `${prefix}-layout`, 'http://127.0.0.1:8081/', { id, ttlMs: 5_000 })
    await r.register()
    const svc = (await agent(a, 'GET', `/v1/agent/service/${id}`)).json as { Service: string; Address: string; Port: number; Meta: Record<string, string> }
    expect({ name: svc.Service, address: svc.Address, port: svc.Port, url: svc.Meta.url }).toEqual({ name: `${prefix}-layout`, address: '127.0.0.1', port: 8081, url: 'http://127.0.0.1:8081' })
    const checks = (await agent(a, 'GET', '/v1/agent/checks')).json as Record<string, { Status: string; ServiceID: string }>
    expect(checks[`service:${id}`]).toMatchObject({ Status: 'passing', ServiceID: id })
    const started = Date.now()
    await r.deregister()
    await r.deregister() // idempotent
    expect(Date.now() - started).toBeLessThan(1_000)
    expect((await agent(a, 'GET', `/v1/agent/service/${id}`)).status).toBe(404)
  })

  it('instances come and go under a steady stream of calls, and none fails', async () => {
    const service = `${prefix}-echo`
    const { calls, msToDrop } = await comeAndGo(`${registry}/${service}`, registry, service, { ttlMs: 2_000 })
    console.info(`sd-consul: ${calls} calls, 0 failures; a deregistered instance left the list after ${msToDrop} ms`)
  })

  it('drops an instance whose process died without deregistering, when its TTL check turns critical', async () => {
    const service = `${prefix}-ghost`
    const ms = await diesWithoutDeregistering(`${registry}/${service}`, registry, service, 2_000, 10_000)
    console.info(`sd-consul: a killed instance left the passing list ${ms} ms after SIGKILL (check TTL 2 s)`)
    expect(ms).toBeGreaterThan(500) // the check expired; nobody deregistered it
  })

  it('finds an instance registered without Meta.url (as Go kit registers) by its address and port', async () => {
    const service = `${prefix}-plain`
    const put = await agent(a, 'PUT', '/v1/agent/service/register', { ID: `${service}-1`, Name: service, Address: '127.0.0.1', Port: 9004, Check: { TTL: '30s', Status: 'passing' } })
    expect(put.status).toBe(200)
    const i = await openInstancer(`${registry}/${service}`)
    try {
      await expect.poll(() => i.current().instances, { timeout: 5_000 }).toEqual(['http://127.0.0.1:9004'])
    } finally {
      i.stop()
    }
  })
})

describe('Consul registry without an agent', () => {
  it('reports an unreachable agent, and a registrar refuses to start', async () => {
    const dead = `consul://127.0.0.1:${await freePort()}`
    const i = await openInstancer(`${dead}/svc`)
    try {
      expect(i.current().instances).toEqual([])
      expect(i.current().err).toBeDefined()
    } finally {
      i.stop()
    }
    const r = await openRegistrar(dead, 'svc', 'http://127.0.0.1:1')
    await expect(r.register()).rejects.toThrow()
    await r.deregister()
  })

  it('refuses malformed URLs with a TypeError that names them', async () => {
    await expect(openInstancer('consul://127.0.0.1:8500')).rejects.toThrow(/"consul:\/\/127\.0\.0\.1:8500" names no service/)
    await expect(openInstancer('consul://127.0.0.1:8500/a/b')).rejects.toThrow(/"consul:\/\/127\.0\.0\.1:8500\/a\/b": a Consul target names one service/)
    await expect(openRegistrar('consul://127.0.0.1:8500/x', 'svc', 'http://127.0.0.1:1')).rejects.toThrow(/"consul:\/\/127\.0\.0\.1:8500\/x": a Consul registration URL has no path/)
    await expect(openInstancer('consul:///svc')).rejects.toThrow(/"consul:\/\/\/svc" is not a valid registry target \(malformed\)/)
  })
})
