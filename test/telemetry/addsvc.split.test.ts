// One trace across processes: an edge that hosts nothing (SERVICES=none)
// reaches a split addsvc process through ADDSVC_URL, once over
// gRPC and once over HTTP. A request to the edge with a traceparent must
// produce spans from both processes with the caller's trace id, linked
// parent to child: caller → edge server span → … → edge client span →
// addsvc server span → addsvc endpoint span.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type Running, spawnMain } from '../helpers/process.js'
import { receiver, type Receiver, type Span } from './otlp.js'

const preload = ['./src/telemetry.ts']
const otel = (service: string, url: string) => ({ OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_BSP_SCHEDULE_DELAY: '100' })

/** ancestors walks parent links within one trace, from span up to the root it can reach. */
function ancestors(spans: readonly Span[], span: Span): Span[] {
  const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]))
  const chain: Span[] = []
  for (let s = byId.get(span.parentSpanId); s !== undefined; s = byId.get(s.parentSpanId)) chain.push(s)
  return chain
}

describe('one trace across an edge and a split addsvc', () => {
  let otlp: Receiver
  let addsvc: Running
  let grpcPort: number
  const edges: Running[] = []
  beforeAll(async () => {
    otlp = await receiver()
    grpcPort = await freePort()
    addsvc = await spawnMain({ SERVICES: 'addsvc', GRPC_PORT: String(grpcPort), ...otel('addsvc', otlp.url) }, 30_000, preload)
  })
  afterAll(async () => {
    await Promise.all([addsvc?.stop(), ...edges.map((e) => e.stop())])
    await otlp?.close()
  })

  for (const [scheme, server] of [['grpc', '/pb.Add/Sum'], ['http', 'POST /sum']] as const) {
    it(`links the spans of both processes over ${scheme}://`, async () => {
      const url = scheme === 'grpc' ? `grpc://127.0.0.1:${grpcPort}` : addsvc.url
      const edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: url, ...otel(`edge-${scheme}`, otlp.url) }, 30_000, preload)
      edges.push(edge)
      const traceId = randomUUID().replaceAll('-', '')
      const callerSpan = randomUUID().replaceAll('-', '').slice(0, 16)
      const res = await fetch(`${edge.url}/sum`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpan}-01` },
        body: JSON.stringify({ a: 20, b: 22 }),
      })
      expect(await res.json()).toEqual({ v: 42 })

      const inTrace = (all: readonly Span[]) => all.filter((s) => s.traceId === traceId)
      const spans = await otlp.waitFor((all) => {
        const t = inTrace(all)
        return t.some((s) => s.service === 'addsvc' && s.name === 'addsvc.sum') && t.some((s) => s.service === `edge-${scheme}` && s.kind === 3)
      })
      const t = inTrace(spans)
      const remote = t.find((s) => s.service === 'addsvc' && s.kind === 2 && s.name === server)
      expect(remote, 'addsvc server span').toBeDefined()
      const client = t.find((s) => s.spanId === remote?.parentSpanId)
      expect(client, "addsvc's server span is a child of a span of the edge").toMatchObject({ service: `edge-${scheme}`, kind: 3 })
      const up = ancestors(t, client as Span)
      expect(up.some((s) => s.service === `edge-${scheme}` && s.name === 'addsvc.sum'), 'the edge endpoint span is above the client span').toBe(true)
      const edgeServer = up.at(-1)
      expect(edgeServer).toMatchObject({ service: `edge-${scheme}`, kind: 2, name: 'POST /sum', parentSpanId: callerSpan })
      const endpoint = t.find((s) => s.service === 'addsvc' && s.name === 'addsvc.sum')
      expect(ancestors(t, endpoint as Span).map((s) => s.spanId)).toContain(remote?.spanId)
    })
  }
})

// OpenTelemetry's sampler variables, end to end: with parent-based sampling
// the caller's decision holds across both processes. The split addsvc would
// sample every root (ratio 1), so a trace it records from a caller who said
// "not sampled" would mean the edge dropped that decision on its remote call.
describe('the sampling decision across an edge and a split addsvc', () => {
  let otlp: Receiver
  const procs: Running[] = []
  beforeAll(async () => {
    otlp = await receiver()
  })
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()))
    await otlp?.close()
  })

  // Each test starts its processes through tsx: on a loaded CI machine that alone can take most of vitest's default 20 s.
  it('honours OTEL_TRACES_SAMPLER: an unsampled caller leaves no span in either process, a sampled one spans both', { timeout: 90_000 }, async () => {
    const sampler = (arg: string) => ({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: arg })
    const addsvc = await spawnMain({ SERVICES: 'addsvc', ...otel('addsvc-sampled', otlp.url), ...sampler('1') }, 30_000, preload)
    procs.push(addsvc)
    const edge = await spawnMain({ SERVICES: 'none', ADDSVC_URL: addsvc.url, ...otel('edge-sampled', otlp.url), ...sampler('0') }, 30_000, preload)
    procs.push(edge)
    const call = async (flags: '00' | '01' | undefined): Promise<string> => {
      const traceId = randomUUID().replaceAll('-', '')
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (flags !== undefined) headers.traceparent = `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-${flags}`
      const res = await fetch(`${edge.url}/sum`, { method: 'POST', headers, body: JSON.stringify({ a: 1, b: 2 }) })
      expect(await res.json()).toEqual({ v: 3 })
      return traceId
    }
    const unsampled = await call('00')
    await call(undefined) // a root at the edge, whose ratio is 0: not sampled either
    const sampled = await call('01')
    // Each process exports in order: once the sampled call's spans are in from both, earlier ones would be too.
    const spans = await otlp.waitFor((all) => ['addsvc-sampled', 'edge-sampled'].every((svc) => all.some((s) => s.traceId === sampled && s.service === svc && s.name === 'addsvc.sum')))
    expect(spans.filter((s) => s.traceId === unsampled)).toEqual([])
    expect(spans.filter((s) => s.service === 'addsvc-sampled' && s.traceId !== sampled)).toEqual([])
  })

  it('records below an unsampled caller when the sampler does not follow the parent (always_on)', { timeout: 60_000 }, async () => {
    // A parent-based sampler lets the kit skip the spans below an unsampled one; always_on must not be skipped.
    const addsvc = await spawnMain({ SERVICES: 'addsvc', ...otel('addsvc-always', otlp.url), OTEL_TRACES_SAMPLER: 'always_on' }, 30_000, preload)
    procs.push(addsvc)
    const traceId = randomUUID().replaceAll('-', '')
    const res = await fetch(`${addsvc.url}/sum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'cd'.repeat(8)}-00` },
      body: JSON.stringify({ a: 1, b: 2 }),
    })
    expect(await res.json()).toEqual({ v: 3 })
    const spans = await otlp.waitFor((all) => all.some((s) => s.traceId === traceId && s.name === 'addsvc.sum'))
    const server = spans.find((s) => s.traceId === traceId && s.name === 'POST /sum')
    const endpoint = spans.find((s) => s.traceId === traceId && s.name === 'addsvc.sum')
    expect(server?.parentSpanId).toBe('cd'.repeat(8))
    expect(endpoint?.parentSpanId).toBe(server?.spanId)
  })
})
