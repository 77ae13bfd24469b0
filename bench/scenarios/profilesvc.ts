// profilesvc on the PostgreSQL server: GET /profiles/{id} (reads) and POST
// /profiles/ (writes, a fresh id each) through our monolith (every endpoint
// middleware on, kysely, the pg pool) beside a bare fastify route running the
// same SQL through the same kind of pool (bench/bare-profilesvc.ts). Both use
// a database created for this run (postgres at DATABASE_URL, else
// 127.0.0.1:5432/test's server) and dropped afterwards, so runs never collide.
// Without a server answering, the scenario says so and measures nothing.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { freePort, type Scenario, spawnMain, spawnTs } from '../lib.js'

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** admin runs one statement on the server's maintenance connection. */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** uniqueBody returns a POST body generator whose every call has a new id. */
function uniqueBody(prefix: string): () => string {
  const run = randomBytes(4).toString('hex')
  let n = 0
  return () => JSON.stringify({ id: `${prefix}-${run}-${n++}`, name: 'bench' })
}

/** scenario compares profilesvc reads and writes with the bare server's. */
export const scenario: Scenario = {
  name: 'profilesvc',
  async start() {
    const database = `tskit_bench_${randomBytes(4).toString('hex')}`
    try {
      await admin(`create database ${database}`)
    } catch (err) {
      process.stderr.write(`profilesvc: SKIPPED, no PostgreSQL server answers at ${serverUrl} (${(err as Error).message})\n`)
      return { groups: [], stop: async () => {} }
    }
    const url = new URL(serverUrl)
    url.pathname = `/${database}`
    const dropDatabase = () => admin(`drop database if exists ${database} with (force)`)
    const children: { stop(): Promise<void> }[] = []
    try {
      const ours = await spawnMain({ SERVICES: 'profilesvc', LOG_LEVEL: 'info', DATABASE_URL: url.href, MIGRATE_ON_START: 'true' })
      const seed = JSON.stringify({ id: 'bench-read', name: 'Reader', addresses: [{ id: 'home', location: 'Somewhere 1' }, { id: 'work' }] })
      const seeded = await fetch(`${ours.url}/profiles/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: seed })
      children.push(ours)
      if (seeded.status !== 200) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`)
      const barePort = await freePort()
      const bare = await spawnTs('bench/bare-profilesvc.ts', { BARE_PORT: String(barePort), DATABASE_URL: url.href }, `http://127.0.0.1:${barePort}/readyz`)
      children.push(bare)
      const base = `http://127.0.0.1:${barePort}`
      return {
        groups: [
          {
            title: 'GET /profiles/{id}',
            baseline: { name: 'bare fastify + pg', method: 'GET', url: `${base}/profiles/bench-read` },
            targets: [{ name: 'tskit monolith', method: 'GET', url: `${ours.url}/profiles/bench-read` }],
          },
          {
            title: 'POST /profiles/',
            baseline: { name: 'bare fastify + pg', method: 'POST', url: `${base}/profiles/`, body: uniqueBody('bare') },
            targets: [{ name: 'tskit monolith', method: 'POST', url: `${ours.url}/profiles/`, body: uniqueBody('ours') }],
          },
        ],
        async stop() {
          await Promise.all(children.map((c) => c.stop()))
          await dropDatabase()
        },
      }
    } catch (err) {
      await Promise.all(children.map((c) => c.stop()))
      await dropDatabase()
      throw err
    }
  },
}
