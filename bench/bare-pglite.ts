// PGlite's own footprint, for the RSS figure: a process that opens PGlite on
// a copy of the benchmark's data dir (DATA_DIR/pglite, as ours does) and
// answers GET /profiles/{id} with the same query as profilesvc's store,
// through node:http only (no fastify, no onion). After the same soak as
// ours, ours' RSS minus this one's is what everything but PGlite costs.
import { createServer } from 'node:http'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'

const pglite = await PGlite.create({ dataDir: join(process.env.DATA_DIR ?? './data', 'pglite') })
const query =
  'select "p"."name", "a"."id" as "address_id", "a"."location" from "profilesvc"."profiles" as "p" left join "profilesvc"."addresses" as "a" on "a"."profile_id" = "p"."id" where "p"."id" = $1 order by "a"."seq"'

createServer((req, res) => {
  const id = /^\/profiles\/([^/]+)$/.exec(req.url ?? '')?.[1]
  if (req.method === 'GET' && req.url === '/readyz') return void res.end('{"status":"ready"}')
  if (req.method !== 'GET' || id === undefined) return void res.writeHead(404).end()
  pglite.query<{ name: string; address_id: string | null; location: string | null }>(query, [decodeURIComponent(id)]).then(
    ({ rows }) => {
      if (rows.length === 0) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      const addresses = rows.filter((r) => r.address_id !== null).map((r) => (r.location ? { id: r.address_id, location: r.location } : { id: r.address_id }))
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ profile: { id, name: rows[0]?.name, addresses } }))
    },
    () => void res.writeHead(500).end(),
  )
}).listen(Number(process.env.BARE_PORT ?? 0), '127.0.0.1')
