// The split baseline's edge, written by hand: a bare fastify server that
// validates POST /sum's body with the same schema as bench/bare.ts and
// forwards it over one undici keep-alive Pool (as many connections as ours
// allows, 128) to the bare server at BARE_UPSTREAM, answering with the
// upstream's status and decoded body. Ours through its edge is compared with
// this; its /readyz lets the harness know it is up.
import Fastify from 'fastify'
import { Pool } from 'undici'

const upstream = new Pool(process.env.BARE_UPSTREAM ?? 'http://127.0.0.1:8081', { connections: 128, keepAliveTimeout: 10_000 })
const app = Fastify({ logger: false })
const Int = { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } as const
app.post(
  '/sum',
  {
    schema: {
      body: { type: 'object', required: ['a', 'b'], additionalProperties: false, properties: { a: Int, b: Int } },
      response: {
        200: { type: 'object', properties: { v: { type: 'integer' } } },
        400: { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } } },
      },
    },
  },
  async (request, reply) => {
    const res = await upstream.request({
      path: '/sum',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
    })
    void reply.code(res.statusCode as 200 | 400)
    return res.body.json()
  },
)
app.get('/readyz', async () => ({ status: 'ready' }))
// Exit normally on SIGTERM, so that node --cpu-prof (bench/profile.ts) writes its profile.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
