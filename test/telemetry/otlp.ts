/**
 * A minimal OTLP/HTTP receiver for the telemetry tests: a loopback server
 * accepting POST /v1/traces in OTLP's JSON encoding (the exporter's
 * http/json), flattening every span with the service name that sent it.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'

/** Span is one received span, flattened. */
export interface Span {
  readonly service: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string
  readonly name: string
  /** kind is OTLP's: 1 internal, 2 server, 3 client. */
  readonly kind: number
}

/** Receiver is a running OTLP receiver. */
export interface Receiver {
  readonly url: string
  readonly spans: Span[]
  /** waitFor polls until pred holds for the spans received, or fails after timeoutMs. */
  waitFor(pred: (spans: readonly Span[]) => boolean, timeoutMs?: number): Promise<readonly Span[]>
  close(): Promise<void>
}

type Attr = { key: string; value: { stringValue?: string } }
type Body = {
  resourceSpans?: {
    resource?: { attributes?: Attr[] }
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[] }[]
  }[]
}

/** receiver starts an OTLP receiver on a free loopback port. */
export async function receiver(): Promise<Receiver> {
  const spans: Span[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? ''
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: s.kind })
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    async waitFor(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (!pred(spans)) {
        if (Date.now() > deadline) throw new Error(`spans not received in ${timeoutMs} ms; got:\n${spans.map((s) => `${s.service} ${s.name} ${s.traceId}/${s.spanId}<-${s.parentSpanId}`).join('\n')}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      return spans
    },
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
