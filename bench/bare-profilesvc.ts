// The baseline for profilesvc: a bare fastify server running the same SQL
// that profilesvc's PostgreSQL store runs (the profile joined with its
// addresses; an INSERT … ON CONFLICT DO NOTHING) through the same kind of
// pool (pg.Pool with ours' defaults from src/kit/sql/database.ts: 10
// connections, the same connect, statement, query and idle timeouts; pg
// arms a timer per query for query_timeout), with equivalent schemas and
// none of the onion or of kysely. Every profilesvc ratio is ours / this.
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  connectionTimeoutMillis: 2_000,
  statement_timeout: 5_000,
  query_timeout: 6_000,
  idleTimeoutMillis: 30_000,
})
pool.on('error', () => {})
const app = Fastify({ logger: false })
const Id = { type: 'string', minLength: 1, maxLength: 64, pattern: '^(?!\\.\\.?$)[A-Za-z0-9._~-]+$' } as const
const Address = { type: 'object', properties: { id: { type: 'string' }, location: { type: 'string' } } } as const
const Failure = { type: 'object', properties: { error: { type: 'string' } } } as const

app.get(
  '/profiles/:id',
  {
    schema: {
      params: { type: 'object', properties: { id: Id } },
      response: {
        200: {
          type: 'object',
          properties: { profile: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, addresses: { type: 'array', items: Address } } } },
        },
        404: Failure,
      },
    },
  },
  async (request, reply) => {
    const { id } = request.params as { id: string }
    const { rows } = await pool.query<{ name: string; address_id: string | null; location: string | null }>(
      'select "p"."name", "a"."id" as "address_id", "a"."location" from "profilesvc"."profiles" as "p" left join "profilesvc"."addresses" as "a" on "a"."profile_id" = "p"."id" where "p"."id" = $1 order by "a"."seq"',
      [id],
    )
    const first = rows[0]
    if (first === undefined) return reply.code(404).send({ error: 'not found' })
    const addresses = rows.filter((r) => r.address_id !== null).map((r) => (r.location ? { id: r.address_id, location: r.location } : { id: r.address_id }))
    return { profile: { id, ...(first.name ? { name: first.name } : {}), ...(addresses.length ? { addresses } : {}) } }
  },
)

app.post(
  '/profiles/',
  {
    schema: {
      body: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: { id: Id, name: { type: 'string', maxLength: 200 } },
      },
      response: { 200: { type: 'object' }, 400: Failure },
    },
  },
  async (request, reply) => {
    const { id, name } = request.body as { id: string; name?: string }
    const { rowCount } = await pool.query(
      'insert into "profilesvc"."profiles" ("id", "name") values ($1, $2) on conflict ("id") do nothing returning "id"',
      [id, name ?? ''],
    )
    if (rowCount === 0) return reply.code(400).send({ error: 'already exists' })
    return {}
  },
)

app.get('/readyz', async () => {
  await pool.query('select 1')
  return { status: 'ready' }
})
// Exit normally on SIGTERM, so that node --cpu-prof (bench/addsvc-profilesvc.profile.ts) writes its profile.
process.once('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
