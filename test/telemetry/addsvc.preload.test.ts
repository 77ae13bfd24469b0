// The telemetry preload, in a real process: main started with
// `--import ./src/telemetry.ts` and OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
// receiver this test runs. A call on each transport, each with its own
// incoming traceparent, must come out as a server span that continues the
// caller's trace (child of the caller's span) with the endpoint span inside
// it; the log lines of those calls carry the trace id and request id.
import { randomUUID } from 'node:crypto'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { background } from '../../src/kit/context.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { answers, freePort, type Running, spawnMain } from '../helpers/process.js'
import { receiver, type Receiver, type Span } from './otlp.js'

const withNats = await answers(4222)
if (!withNats) console.warn('telemetry preload test: NATS part SKIPPED, no NATS server answers on 127.0.0.1:4222')

/** traceparent mints a caller's span context: a fresh trace id and span id. */
function traceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = randomUUID().replaceAll('-', '')
  const spanId = randomUUID().replaceAll('-', '').slice(0, 16)
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId }
}

/** childOf finds the span named name, of kind, in traceId, whose parent is parentId. */
const childOf = (spans: readonly Span[], traceId: string, parentId: string, name: string, kind: number) =>
  spans.find((s) => s.traceId === traceId && s.parentSpanId === parentId && s.name === name && s.kind === kind)

describe('telemetry preload', () => {
  let otlp: Receiver
  let main: Running
  let grpcPort: number
  let jsonrpcPort: number
  const prefix = `addsvc-otel-${randomUUID().slice(0, 8)}`
  beforeAll(async () => {
    otlp = await receiver()
    grpcPort = await freePort()
    jsonrpcPort = await freePort()
    main = await spawnMain(
      {
        SERVICES: 'addsvc',
        LOG_LEVEL: 'debug',
        GRPC_PORT: String(grpcPort),
        JSONRPC_PORT: String(jsonrpcPort),
        OTEL_SERVICE_NAME: 'tskit-preload-test',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...(withNats ? { NATS_URL: '127.0.0.1:4222', NATS_SUBJECT_PREFIX: prefix } : {}),
      },
      30_000,
      ['./src/telemetry.ts'],
    )
  })
  afterAll(async () => {
    await main?.stop()
    await otlp?.close()
  })

  /** expectTraced asserts: a server span named server continues tp, with the endpoint span addsvc.sum inside its trace. */
  async function expectTraced(tp: ReturnType<typeof traceparent>, server: string) {
    const spans = await otlp.waitFor((all) => childOf(all, tp.traceId, tp.spanId, server, 2) !== undefined && all.some((s) => s.traceId === tp.traceId && s.name === 'addsvc.sum'))
    const root = childOf(spans, tp.traceId, tp.spanId, server, 2)
    expect(root?.service).toBe('tskit-preload-test')
    const endpoint = spans.find((s) => s.traceId === tp.traceId && s.name === 'addsvc.sum')
    // The endpoint span hangs below the server span (directly, or under fastify's handler span).
    const ids = new Set(spans.filter((s) => s.traceId === tp.traceId).map((s) => s.spanId))
    expect(endpoint?.parentSpanId).not.toBe(tp.spanId)
    expect(ids.has(endpoint?.parentSpanId ?? '')).toBe(true)
    return spans
  }

  it('HTTP: the server span continues the caller, with the endpoint span under it; logs carry the ids', async () => {
    const tp = traceparent()
    const res = await fetch(`${main.url}/sum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: tp.header, 'x-request-id': 'otel-http-1' },
      body: JSON.stringify({ a: 1, b: 2 }),
    })
    expect(await res.json()).toEqual({ v: 3 })
    await expectTraced(tp, 'POST /sum')
    const line = main.output().split('\n').find((l) => l.includes('"requestId":"otel-http-1"'))
    expect(line).toContain(`"traceId":"${tp.traceId}"`)
  })

  it('gRPC: a server span per call, child of the traceparent in metadata', async () => {
    const tp = traceparent()
    const client = addtransport.grpcClient(`127.0.0.1:${grpcPort}`)
    try {
      expect(await client.sum({ ...background('otel-grpc-1'), trace: tp.header }, { a: 1, b: 2 })).toEqual({ v: 3 })
    } finally {
      client.close()
    }
    await expectTraced(tp, '/pb.Add/Sum')
    const line = main.output().split('\n').find((l) => l.includes('"requestId":"otel-grpc-1"'))
    expect(line).toContain(`"traceId":"${tp.traceId}"`)
  })

  it('JSON-RPC: a server span per call, child of the traceparent of the POST', async () => {
    const tp = traceparent()
    const client = addtransport.jsonrpcClient(`http://127.0.0.1:${jsonrpcPort}`)
    expect(await client.sum({ ...background('otel-jsonrpc-1'), trace: tp.header }, { a: 1, b: 2 })).toEqual({ v: 3 })
    const spans = await otlp.waitFor((all) => all.some((s) => s.traceId === tp.traceId && s.name === 'jsonrpc sum') && all.some((s) => s.traceId === tp.traceId && s.name === 'addsvc.sum'))
    const server = childOf(spans, tp.traceId, tp.spanId, 'jsonrpc sum', 2)
    expect(server).toBeDefined()
    expect(childOf(spans, tp.traceId, server?.spanId ?? '', 'addsvc.sum', 1)).toBeDefined()
  })

  it.skipIf(!withNats)('NATS: a server span per message, child of the traceparent header', async () => {
    const tp = traceparent()
    const nc = await connect({ servers: '127.0.0.1:4222' })
    try {
      const client = addtransport.natsClient(nc, { prefix })
      expect(await client.sum({ ...background('otel-nats-1'), trace: tp.header }, { a: 1, b: 2 })).toEqual({ v: 3 })
    } finally {
      await nc.drain()
    }
    await expectTraced(tp, `nats ${prefix}.sum`)
  })

  it('never traces its own exports: no CLIENT span reaches the collector from a process that calls nothing remote', async () => {
    // Every test above waited for a batch, so several POSTs to the collector
    // have been made by now; give a few more a chance (batches every 100 ms).
    const tp = traceparent()
    await fetch(`${main.url}/sum`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: tp.header }, body: JSON.stringify({ a: 2, b: 2 }) })
    await expectTraced(tp, 'POST /sum')
    await new Promise((r) => setTimeout(r, 500))
    expect(otlp.spans.filter((s) => s.kind === 3)).toEqual([])
  })
})
