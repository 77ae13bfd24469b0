// The baseline: a bare fastify server doing what addsvc's POST /sum does (the
// same schema, the same arithmetic, the same error rule) with none of the
// onion. Every ratio in the benchmark is ours / this. Its /readyz lets the
// harness know it is up.
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
        400: { type: 'object', properties: { error: { type: 'string' } } },
      },
    },
  },
  async (request, reply) => {
    const { a, b } = request.body as { a: number; b: number }
    if (a === 0 && b === 0) {
      void reply.code(400).send({ error: "can't sum two zeroes" })
      return reply
    }
    return { v: a + b }
  },
)
app.get('/readyz', async () => ({ status: 'ready' }))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
