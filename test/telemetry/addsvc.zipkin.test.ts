// Zipkin tracing. The settings: OTEL_TRACES_EXPORTER=zipkin and
// OTEL_EXPORTER_ZIPKIN_ENDPOINT, checked at start. The telemetry preload with
// OTEL_TRACES_EXPORTER=zipkin, in real processes:
// spans are POSTed as Zipkin v2 JSON to OTEL_EXPORTER_ZIPKIN_ENDPOINT, here a
// receiver of this test (no Zipkin server can be had on this machine; Zipkin
// is a Java service). A call to main's /sum must arrive as a SERVER span that
// continues the caller's trace, with the endpoint span inside it, and every
// field Zipkin's v2 API needs. And the preload does not trace kit/metrics'
// own pushes (user-agent tskit-metrics), while an ordinary fetch is traced.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, telemetrySettings } from '../../src/config.js'
import { type Running, spawnMain } from '../helpers/process.js'

/** ZipkinSpan is the part of Zipkin's v2 span model (zipkin2-api.yaml) the test reads. */
interface ZipkinSpan {
  traceId: string
  id: string
  parentId?: string
  name: string
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER'
  timestamp: number
  duration: number
  localEndpoint: { serviceName: string }
  tags: Record<string, string>
}

/** zipkin starts a receiver of Zipkin's POST /api/v2/spans, keeping every span and the requests' content types. */
async function zipkin(): Promise<{ url: string; spans: ZipkinSpan[]; types: string[]; server: Server }> {
  const spans: ZipkinSpan[] = []
  const types: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v2/spans') {
        types.push(req.headers['content-type'] ?? '')
        spans.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ZipkinSpan[]))
      }
      res.writeHead(202).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/api/v2/spans`, spans, types, server }
}

/** waitFor polls until pred finds what it wants among spans. */
async function waitFor<T>(spans: readonly ZipkinSpan[], pred: (s: readonly ZipkinSpan[]) => T | undefined): Promise<T> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const found = pred(spans)
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`spans not received; got: ${spans.map((s) => `${s.name} ${s.traceId}/${s.id}`).join(', ')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('zipkin settings', () => {
  it('OTEL_TRACES_EXPORTER=zipkin turns tracing on, to OpenTelemetry\'s default endpoint unless one is given', () => {
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toMatchObject({
      enabled: true,
      exporter: 'zipkin',
      zipkinEndpoint: 'http://localhost:9411/api/v2/spans',
    })
    const endpoint = 'http://zipkin:9411/api/v2/spans'
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: endpoint }).zipkinEndpoint).toBe(endpoint)
  })

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'zipkin:9411' })).toThrow(ConfigError)
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'zipkin:9411' })).toThrow(/OTEL_EXPORTER_ZIPKIN_ENDPOINT/)
  })
})

describe('zipkin exporter (OTEL_TRACES_EXPORTER=zipkin)', () => {
  let receiver: Awaited<ReturnType<typeof zipkin>>
  let main: Running
  beforeAll(async () => {
    receiver = await zipkin()
    main = await spawnMain(
      {
        SERVICES: 'addsvc',
        OTEL_SERVICE_NAME: 'tskit-zipkin-test',
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      30_000,
      ['./src/telemetry.ts'],
    )
  })
  afterAll(async () => {
    await main?.stop()
    receiver?.server.closeAllConnections()
    receiver?.server.close()
  })

  it('exports an HTTP call as Zipkin v2 JSON: a SERVER span continuing the caller, the endpoint span inside', async () => {
    const traceId = randomUUID().replaceAll('-', '')
    const parent = randomUUID().replaceAll('-', '').slice(0, 16)
    const before = Date.now() * 1000
    const res = await fetch(`${main.url}/sum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parent}-01` },
      body: JSON.stringify({ a: 1, b: 2 }),
    })
    expect(await res.json()).toEqual({ v: 3 })
    const [server, endpoint] = await waitFor(receiver.spans, (all) => {
      const s = all.find((x) => x.traceId === traceId && x.parentId === parent && x.kind === 'SERVER')
      const e = all.find((x) => x.traceId === traceId && x.name === 'addsvc.sum')
      return s && e ? [s, e] : undefined
    })
    expect(server.name).toBe('POST /sum')
    expect(server.id).toMatch(/^[0-9a-f]{16}$/)
    expect(server.localEndpoint.serviceName).toBe('tskit-zipkin-test')
    // Epoch microseconds, and a duration in microseconds.
    expect(server.timestamp).toBeGreaterThanOrEqual(before - 1_000_000)
    expect(server.timestamp).toBeLessThanOrEqual(Date.now() * 1000)
    expect(Number.isInteger(server.duration) && server.duration > 0).toBe(true)
    expect(server.tags['service.name']).toBe('tskit-zipkin-test')
    expect(server.tags['http.method'] ?? server.tags['http.request.method']).toBe('POST')
    // The endpoint span hangs below the server span, in the same trace.
    const ids = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.id))
    expect(endpoint.parentId).not.toBe(parent)
    expect(ids.has(endpoint.parentId ?? '')).toBe(true)
    expect(endpoint.localEndpoint.serviceName).toBe('tskit-zipkin-test')
    expect(receiver.types.every((t) => t.startsWith('application/json'))).toBe(true)
  })
})

describe('zipkin exporter and kit/metrics pushes', () => {
  it('below an ambient span: does not trace a metrics push (user-agent tskit-metrics), but does trace an ordinary fetch, as its child', async () => {
    const receiver = await zipkin()
    const target = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()))
    target.listen(0, '127.0.0.1')
    await once(target, 'listening')
    const { port } = target.address() as { port: number }
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const code = `
      import { influx } from './src/kit/metrics/influx.ts'
      import { nop } from './src/kit/log.ts'
      import { background } from './src/kit/context.ts'
      import * as kittracing from './src/kit/tracing.ts'
      const p = influx({ url: 'http://127.0.0.1:${port}', db: 'tskit', intervalMs: 60000, timeoutMs: 2000, log: nop() })
      p.counter({ name: 'tskit_push_total', help: 'push' }).add(1)
      // Outside any span, a fetch starts no trace of its own.
      await fetch('http://127.0.0.1:${port}/orphan', { method: 'POST', body: 'x' })
      await kittracing.otel('push-test', { ambient: true }).run(background(), 'job', 'internal', async () => {
        await p.close()
        await fetch('http://127.0.0.1:${port}/ordinary', { method: 'POST', body: 'x' })
      })
      await kittracing.flush()`
    try {
      await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', './src/telemetry.ts', '--input-type=module', '-e', code], {
        cwd: root,
        env: { ...process.env, OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'tskit-push-test' },
      })
      const job = await waitFor(receiver.spans, (all) => all.find((s) => s.name === 'job'))
      const client = await waitFor(receiver.spans, (all) => all.find((s) => s.kind === 'CLIENT'))
      expect(client.tags['url.full'] ?? client.tags['http.url']).toBe(`http://127.0.0.1:${port}/ordinary`)
      expect(client.traceId).toBe(job.traceId)
      expect(client.parentId).toBe(job.id)
      expect(receiver.spans.filter((s) => s.kind === 'CLIENT')).toHaveLength(1)
    } finally {
      target.close()
      receiver.server.closeAllConnections()
      receiver.server.close()
    }
  })
})
