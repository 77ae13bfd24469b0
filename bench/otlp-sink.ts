// An OTLP/HTTP sink for the tracing-cost benchmark: accepts POST /v1/traces
// and drops it, so the traced server pays the full cost of exporting (the
// batch processor, serialization, the HTTP POST) against a collector that
// never pushes back. GET /readyz tells the harness it is up and how many
// bytes of spans it has taken, so a round can check that spans arrived.
import { createServer } from 'node:http'

let bytes = 0
createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') return void res.end(`{"received_bytes":${bytes}}`)
  req.on('data', (c: Buffer) => (bytes += c.length))
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
}).listen(Number(process.env.BARE_PORT ?? 4318), '127.0.0.1')
