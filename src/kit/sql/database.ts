/**
 * One way to open the database, whatever it is. With a URL, kysely talks to
 * a PostgreSQL server through a pg Pool whose size, connect timeout and
 * statement timeout are bounded, so an unreachable server fails a request in
 * at most the connect timeout instead of hanging it. Without one, it runs
 * PGlite, PostgreSQL compiled to WebAssembly, in process: file-backed under a
 * data directory (so `npm start` keeps its data with no server installed), or
 * in memory, optionally started from an image (a dumpDataDir tarball) so
 * tests skip initdb. Both speak the same SQL, so one store serves both.
 * kysely-pglite-dialect is the PGlite dialect because kysely 0.28 (the last
 * line for Node 20) has none built in; move to kysely 0.29's PGliteDialect
 * with Node 22. Driver failures are classified once, by `guard`. Each
 * driver is imported only when chosen: a process on PostgreSQL never loads
 * PGlite's 600 kB of JavaScript, nor one on PGlite pg's.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { Logger } from '../log.js'
import { classify, guard } from './errors.js'

/** DatabaseOptions choose and tune the database; every bound has a default. */
export interface DatabaseOptions {
  /** url is a postgres:// connection string; when undefined, embedded PGlite is used. */
  readonly url?: string | undefined
  /** dataDir is the data directory (DATA_DIR); PGlite keeps its files in dataDir/pglite. Undefined or "memory://": in memory. */
  readonly dataDir?: string | undefined
  /** image is a PGlite data directory tarball to start from instead of running initdb (new data only). */
  readonly image?: Blob | undefined
  /** poolMax caps the connections to the server (default 10). */
  readonly poolMax?: number
  /** connectTimeoutMs bounds waiting for a connection, so an unreachable server fails fast (default 2 000). */
  readonly connectTimeoutMs?: number
  /** statementTimeoutMs bounds one statement on the server (default 5 000). */
  readonly statementTimeoutMs?: number
  /** log receives connection errors that happen outside any request. */
  readonly log?: Logger
}

/** Database is an open database: a kysely instance plus its readiness probe and its shutdown. */
export interface Database {
  /** db is untyped here; each service narrows it with withSchema(...).withTables<Tables>(). */
  readonly db: Kysely<unknown>
  /** kind says which engine is behind db. */
  readonly kind: 'postgres' | 'pglite'
  /** ping resolves when the database answers a query and rejects with UnavailableError when not. */
  ping(): Promise<void>
  /** close releases every connection (or shuts PGlite down); the Database is unusable afterwards. */
  close(): Promise<void>
}

/** open returns a Database for opts: a pg pool when opts.url is set, else PGlite. */
export async function open(opts: DatabaseOptions): Promise<Database> {
  const db = opts.url === undefined ? await openPglite(opts) : await openPostgres(opts.url, opts)
  let closed: Promise<void> | undefined
  return {
    db: db.kysely,
    kind: db.kind,
    async ping() {
      try {
        await sql`select 1`.execute(db.kysely)
      } catch (err) {
        throw classify(err) ?? err
      }
    },
    close() {
      closed ??= db.kysely.destroy()
      return closed
    },
  }
}

/** openPostgres builds the pg pool with bounded waits and no unhandled 'error' events. */
async function openPostgres(url: string, opts: DatabaseOptions): Promise<{ kysely: Kysely<unknown>; kind: 'postgres' }> {
  const { default: pg } = await import('pg')
  const statementTimeoutMs = opts.statementTimeoutMs ?? 5_000
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 2_000,
    // The server cancels a statement after statement_timeout; query_timeout is the
    // client's own bound for a server that stopped answering altogether.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
  })
  // A server restart breaks idle and checked-out connections alike; pg reports
  // that as an 'error' event, which would crash the process if nobody listened.
  // The pool drops broken clients itself, and the request that was using one
  // fails through the driver with UnavailableError.
  const onError = (err: Error): void => opts.log?.warn('database connection error', { err: err.message })
  pool.on('error', onError)
  pool.on('connect', (client) => client.on('error', onError))
  return { kysely: new Kysely<unknown>({ dialect: guard(new PostgresDialect({ pool })) }), kind: 'postgres' }
}

/** openPglite starts embedded PostgreSQL, from its data directory, an image, or initdb. */
async function openPglite(opts: DatabaseOptions): Promise<{ kysely: Kysely<unknown>; kind: 'pglite' }> {
  const inMemory = opts.dataDir === 'memory://'
  const dataDir = inMemory || opts.dataDir === undefined ? undefined : join(opts.dataDir, 'pglite')
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true })
  // An image only seeds a new database: PGlite refuses to load over existing data.
  const fresh = dataDir === undefined || !existsSync(join(dataDir, 'PG_VERSION'))
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')])
  const pglite = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(fresh && opts.image ? { loadDataDir: opts.image } : {}),
  })
  return { kysely: new Kysely<unknown>({ dialect: guard(new PGliteDialect(pglite)) }), kind: 'pglite' }
}
