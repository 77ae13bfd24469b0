// One trace across processes: an edge that does not host addsvc (SERVICES=
// stringsvc) reaches a split addsvc process through ADDSVC_URL, once over
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
      const edge = await spawnMain({ SERVICES: 'stringsvc', ADDSVC_URL: url, ...otel(`edge-${scheme}`, otlp.url) }, 30_000, preload)
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
