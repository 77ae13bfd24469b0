// The baseline: a bare fastify server doing what addsvc's POST /sum does (the
// same schema, the same arithmetic, the same error rule and body) with none
// of the onion. The addsvc ratio is ours / this; it is also the upstream of
// the hand-written split (bare-edge.ts). Its /readyz lets the harness know it
// is up. It runs compiled, as dist/bench/bare.js, like ours.
import Fastify from 'fastify'

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
    const { a, b } = request.body as { a: number; b: number }
    if (a === 0 && b === 0) {
      void reply.code(400).send({ error: "can't sum two zeroes", code: 'TWO_ZEROES' })
      return reply
    }
    return { v: a + b }
  },
)
app.get('/readyz', async () => ({ status: 'ready' }))
// Exit normally on SIGTERM, so that node --cpu-prof (bench/profile.ts) writes its profile.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
