/**
 * Service discovery on Consul, through the local agent's HTTP API. The API
 * we need is four calls (register, pass a TTL check, deregister, a blocking
 * health query), so it is spoken with undici directly: no Consul client
 * package is needed. As in Go kit's sd/consul, the instancer runs blocking
 * queries on `/v1/health/service/<name>?passing=true&index=…`, which return
 * as soon as the set of healthy instances changes, and backs off
 * exponentially on errors. The registrar registers the service with a TTL
 * check and passes it every third of the TTL; a process that dies stops
 * passing, the check turns critical and the instance drops out of every
 * passing query when the TTL runs out (Consul removes it from the catalog a
 * minute later). The instance URL travels in the service's Meta.url, so its
 * scheme and path survive; without it, `http://address:port` is used.
 */
import { isIP } from 'node:net'
import { request } from 'undici'
import type { Logger } from '../log.js'
import { cache, errorMessage } from './cache.js'
import type { Instancer } from './instancer.js'
import { once, type Registrar } from './registrar.js'

/** ConsulOptions name the agent and where connection trouble is logged. */
export interface ConsulOptions {
  /** agent is the agent's HTTP address, e.g. http://127.0.0.1:8500. */
  readonly agent: string
  readonly log: Logger
}

// A blocking query waits at most this long for a change (Consul adds up to 1/16 jitter).
const waitS = 30
// Registration calls give up after this long.
const callTimeoutMs = 3_000
const minBackoffMs = 10
const maxBackoffMs = 5_000
// Consul's smallest allowed delay before it reaps a critical service.
const reapAfter = '1m'

/** Entry is the part of a /v1/health/service answer we read. */
interface Entry {
  readonly Node?: { readonly Address?: string }
  readonly Service?: { readonly Address?: string; readonly Port?: number; readonly Meta?: Readonly<Record<string, string>> | null }
}

/** instanceOf returns the URL an entry stands for. */
function instanceOf(e: Entry): string | undefined {
  const url = e.Service?.Meta?.url
  if (url) return url
  const address = e.Service?.Address || e.Node?.Address
  if (!address || e.Service?.Port === undefined) return undefined
  return `http://${isIP(address) === 6 ? `[${address}]` : address}:${e.Service.Port}`
}

/** agentCall performs one call to the agent and returns its body, throwing on a status other than 200. */
async function agentCall(url: string, init: { method: 'GET' | 'PUT'; body?: unknown; signal: AbortSignal }): Promise<{ body: string; index: number }> {
  const res = await request(url, {
    method: init.method,
    signal: init.signal,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  })
  const body = await res.body.text()
  if (res.statusCode !== 200) throw new ConsulError(res.statusCode, `consul: ${init.method} ${new URL(url).pathname} answered ${res.statusCode}: ${body.trim().slice(0, 200)}`)
  return { body, index: Number(res.headers['x-consul-index']) }
}

/** ConsulError is an answer of the agent other than 200; status tells a lost registration (404) from the rest. */
class ConsulError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** sleep resolves after ms, or at once when signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
  })
}

/**
 * consulInstancer publishes the healthy instances of service; it resolves
 * after the first query, which may have failed (then current().err says why
 * and the queries go on with backoff).
 */
export async function consulInstancer(service: string, opts: ConsulOptions): Promise<Instancer> {
  const log = opts.log.with({ registry: 'consul', service })
  const stop = new AbortController()
  const c = cache(() => stop.abort())
  const base = `${opts.agent}/v1/health/service/${encodeURIComponent(service)}?passing=true&wait=${waitS}s`
  let firstQuery: () => void = () => {}
  const first = new Promise<void>((resolve) => (firstQuery = resolve))

  const loop = async (): Promise<void> => {
    let index = 0
    let backoff = minBackoffMs
    while (!c.stopped()) {
      try {
        const res = await agentCall(`${base}&index=${index}`, { method: 'GET', signal: stop.signal })
        const entries = JSON.parse(res.body) as Entry[]
        // Consul's rules for blocking queries: an index must be positive, and one that goes back means start over.
        if (!(res.index > 0)) throw new Error('consul: answer without a valid X-Consul-Index')
        index = res.index < index ? 0 : res.index
        c.update(entries.flatMap((e) => instanceOf(e) ?? []))
        backoff = minBackoffMs
      } catch (err) {
        if (c.stopped()) break
        log.warn('consul: querying instances failed; keeping the last list', { err: errorMessage(err), retryInMs: backoff })
        c.fail(err)
        firstQuery()
        await sleep(backoff, stop.signal)
        backoff = Math.min(backoff * 2, maxBackoffMs)
      }
      firstQuery()
    }
  }
  void loop()
  await first
  return c.instancer
}

/** ConsulRegistration is what the registrar announces. */
export interface ConsulRegistration {
  /** id is unique per instance (Consul's service ID). */
  readonly id: string
  /** service is the service's name. */
  readonly service: string
  /** advertise is the URL consumers call, e.g. http://10.0.0.5:8081. */
  readonly advertise: string
  /** ttlMs is the TTL of the service's health check. */
  readonly ttlMs: number
}

/** consulRegistrar returns a Registrar that keeps the registration's TTL check passing. */
export function consulRegistrar(reg: ConsulRegistration, opts: ConsulOptions): Registrar {
  const log = opts.log.with({ registry: 'consul', id: reg.id, advertise: reg.advertise })
  const u = new URL(reg.advertise)
  const checkId = `service:${reg.id}`
  const definition = {
    ID: reg.id,
    Name: reg.service,
    Address: u.hostname.replace(/^\[|\]$/g, ''),
    Port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    Meta: { url: reg.advertise },
    Check: { CheckID: checkId, Name: `${reg.service} TTL`, TTL: `${reg.ttlMs}ms`, Status: 'passing', DeregisterCriticalServiceAfter: reapAfter },
  }
  const put = (path: string, body?: unknown) =>
    agentCall(`${opts.agent}${path}`, { method: 'PUT', body, signal: AbortSignal.timeout(callTimeoutMs) })
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const pass = async (): Promise<void> => {
    try {
      await put(`/v1/agent/check/pass/${encodeURIComponent(checkId)}`)
    } catch (err) {
      if (closed) return
      // An agent that restarted has forgotten us: register again.
      if (err instanceof ConsulError && err.status === 404) {
        log.warn('consul: the agent lost the registration; registering again')
        await put('/v1/agent/service/register', definition).catch((e: unknown) => log.warn('consul: registering again failed', { err: errorMessage(e) }))
        return
      }
      log.warn('consul: passing the TTL check failed; will retry', { err: errorMessage(err) })
    }
  }

  return {
    async register() {
      if (closed) throw new Error(`sd.consul: ${reg.id} was deregistered; make a new registrar`)
      await put('/v1/agent/service/register', definition)
      clearInterval(timer)
      timer = setInterval(() => void pass(), Math.max(200, Math.floor(reg.ttlMs / 3)))
      timer.unref()
    },
    deregister: once(async () => {
      closed = true
      clearInterval(timer)
      if (timer === undefined) return
      await put(`/v1/agent/service/deregister/${encodeURIComponent(reg.id)}`).catch((err: unknown) =>
        log.warn('consul: deregistering failed; the check expires with its TTL', { err: errorMessage(err) }),
      )
    }),
  }
}
