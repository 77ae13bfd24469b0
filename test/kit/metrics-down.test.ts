// Push backends that are down or stalled must cost the request path nothing:
// add and observe never throw or wait, a failed push is logged once (not once
// per interval) and retried, and close() returns within its bound. Each
// backend is pointed at a loopback port with nothing behind it, and InfluxDB
// and Graphite also at servers of this test that accept and then never
// answer or never read. Graphite's reconnect is shown against a plaintext
// receiver of this test that goes away and comes back on the same port.
import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fields, Logger } from '../../src/kit/log.js'
import type { Provider } from '../../src/kit/metrics.js'
import { graphite } from '../../src/kit/metrics/graphite.js'
import { openProvider } from '../../src/kit/metrics/registry.js'
import { freePort } from '../helpers/net.js'

const duration = {
  name: 'request_duration_seconds',
  help: 'Duration of endpoint calls in seconds.',
  labelNames: ['service', 'method', 'transport', 'outcome'],
} as const

/** recorder is a Logger keeping every line, to check what an outage logs. */
function recorder(): Logger & { lines: { level: string; msg: string; fields: Fields | undefined }[] } {
  const lines: { level: string; msg: string; fields: Fields | undefined }[] = []
  const l: Logger & { lines: typeof lines } = {
    lines,
    debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
    with: () => l,
    enabled: () => true,
  }
  return l
}

/** hammer records n observations the way a busy server would and returns how long the calls took, in ms. */
function hammer(p: Provider, n: number): number {
  const h = p.histogram(duration).with({ service: 'addsvc', method: 'sum', transport: 'http', outcome: 'ok' })
  const c = p.counter({ name: 'addsvc_integers_summed_total', help: 'sum' })
  const start = performance.now()
  for (let i = 0; i < n; i++) {
    h.observe(0.001)
    c.add(2)
  }
  return performance.now() - start
}

/** timed returns how long fn took to settle, in ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.close()
    ;(s as Server & { closeAllConnections?: () => void }).closeAllConnections?.()
  }
})

describe('push backends that are down', () => {
  for (const scheme of ['statsd', 'dogstatsd', 'influx', 'graphite'] as const) {
    // UDP has no connection to refuse: StatsD just sends into the void, and has nothing to log.
    const udp = scheme === 'statsd' || scheme === 'dogstatsd'
    it(`${scheme}: nothing listening — calls stay fast, ${udp ? '' : 'one warning and retries, '}close is prompt`, async () => {
      const port = await freePort()
      const l = recorder()
      const p = await openProvider(`${scheme}://127.0.0.1:${port}/tskit`, { log: l, intervalMs: 20, timeoutMs: 300 })
      expect(hammer(p, 20_000)).toBeLessThan(1_000)
      // Keep recording through several intervals, so there is something to push (and fail) each time.
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 30))
        expect(hammer(p, 1_000)).toBeLessThan(200)
      }
      expect(await timed(() => p.close())).toBeLessThan(1_000)
      if (!udp) {
        expect(l.lines.filter((x) => x.level === 'warn')).toHaveLength(1)
        expect(l.lines.filter((x) => x.msg === 'metrics push failed again').length).toBeGreaterThanOrEqual(2)
      }
    })
  }
})

describe('push backends that are stalled', () => {
  it('influx: a server that never answers — each write gives up at timeoutMs, close too', async () => {
    const server = createHttpServer(() => {})
    servers.push(server)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    const l = recorder()
    const p = await openProvider(`influx://127.0.0.1:${port}/tskit`, { log: l, intervalMs: 50, timeoutMs: 200 })
    hammer(p, 1_000)
    await new Promise((r) => setTimeout(r, 100))
    hammer(p, 1_000)
    // At worst: the write in flight runs out its 200 ms, then the final one does.
    expect(await timed(() => p.close())).toBeLessThan(800)
    expect(l.lines.find((x) => x.level === 'warn')?.fields?.err).toMatch(/timeout|aborted/i)
  })

  it('graphite: a server that never reads — writes give up at timeoutMs and the connection is cut', async () => {
    const sockets: Socket[] = []
    const server = createServer((s) => (s.pause(), sockets.push(s)))
    servers.push(server)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    const l = recorder()
    const p = graphite({ host: '127.0.0.1', port, intervalMs: 50, timeoutMs: 200, log: l })
    // 20 000 series of about 70 bytes: over a megabyte per write, until the socket buffers are full.
    const c = p.counter({ name: 'tskit_stalled_total', help: 'stalled', labelNames: ['n'] })
    const bound = Array.from({ length: 20_000 }, (_, i) => c.with({ n: `series-number-${i}` }))
    const deadline = Date.now() + 5_000
    while (!l.lines.some((x) => x.level === 'warn') && Date.now() < deadline) {
      const start = performance.now()
      for (const b of bound) b.add(1)
      expect(performance.now() - start).toBeLessThan(500)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(l.lines.find((x) => x.level === 'warn')?.fields?.err).toMatch(/timeout|aborted/i)
    expect(await timed(() => p.close())).toBeLessThan(800)
    for (const s of sockets) s.destroy()
  })
})

describe('graphite reconnects', () => {
  it('after the server goes away and comes back on the same port, writes arrive again, the total intact', async () => {
    let lines: string[] = []
    const sockets = new Set<Socket>()
    const listen = async (port: number) => {
      const server = createServer((s) => {
        sockets.add(s)
        s.on('data', (d) => (lines = lines.concat(d.toString().split('\n').filter(Boolean))))
        s.on('close', () => sockets.delete(s))
      })
      servers.push(server)
      server.listen(port, '127.0.0.1')
      await once(server, 'listening')
      return server
    }
    const port = await freePort()
    let server = await listen(port)
    const l = recorder()
    const p = graphite({ host: '127.0.0.1', port, prefix: 'tskit', intervalMs: 30, timeoutMs: 300, log: l })
    const c = p.counter({ name: 'tskit_reconnect_total', help: 'reconnects' })
    const waitLine = async (re: RegExp) => {
      const deadline = Date.now() + 3_000
      while (!lines.some((x) => re.test(x))) {
        if (Date.now() > deadline) throw new Error(`no line matching ${re}; got ${lines.join(' | ')}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    c.add(1)
    await waitLine(/^tskit\.tskit_reconnect_total 1 \d+$/)
    // The server goes away: its connections are cut and nothing listens for a while.
    for (const s of sockets) s.destroy()
    server.close()
    await once(server, 'close')
    for (let i = 0; i < 5; i++) {
      c.add(2)
      await new Promise((r) => setTimeout(r, 30))
    }
    expect(l.lines.some((x) => x.level === 'warn')).toBe(true)
    lines = []
    server = await listen(port)
    c.add(3)
    // The total lost nothing to the outage: 1, five times 2, and 3.
    await waitLine(/^tskit\.tskit_reconnect_total 14 \d+$/)
    expect(l.lines.some((x) => x.msg === 'metrics push recovered')).toBe(true)
    await p.close()
  })
})
