/**
 * A database that cannot be reached is a fault of the dependency, not of the
 * request, and callers deserve a clear, fast answer: 503 UNAVAILABLE, never a
 * hang and never a 500 carrying a driver message. Every driver error passes
 * through `guard`, the one place that classifies them: connection failures
 * (refused, reset, timed out, server shutting down or restarting, too many
 * clients, bad credentials), statement timeouts, a closed embedded database
 * and a schema that was never migrated all become UnavailableError. Anything
 * else (constraint violations, bugs) passes through untouched for the store
 * or the transport to handle. The original error is kept as `cause` for logs.
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver } from 'kysely'
import { type KitError, UnavailableError } from '../errors.js'

// Node's network errors, by errno code.
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOENT',
])

// SQLSTATEs that mean "the server cannot serve us now", by class or exact code.
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300', '3D000'])
const missingSchemaStates = new Set(['42P01', '3F000'])

// pg and PGlite messages for connections that broke or never came up.
const brokenConnection =
  /Connection terminated|connection timeout|timeout expired|Query read timeout|not queryable|after calling end on the pool|PGlite is clos(ed|ing)|driver has already been destroyed/i

/** classify returns the UnavailableError a driver error stands for, or undefined when it is not about availability. */
export function classify(err: unknown): KitError | undefined {
  if (err instanceof UnavailableError) return err
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  const message = (err as { message?: unknown }).message
  if (typeof code === 'string') {
    if (networkCodes.has(code) || unavailableStates.has(code) || code.startsWith('08') || code.startsWith('28')) {
      return new UnavailableError(`database unavailable (${code})`, { cause: err })
    }
    if (code === '57014') return new UnavailableError('database statement timed out', { cause: err })
    if (missingSchemaStates.has(code)) {
      return new UnavailableError('database schema is missing: run the migrations', { cause: err })
    }
  }
  if (typeof message === 'string' && brokenConnection.test(message)) {
    return new UnavailableError('database unavailable (connection lost)', { cause: err })
  }
  // AggregateError: pg reports every address it tried (IPv4 and IPv6) together.
  const errors = (err as { errors?: unknown }).errors
  if (Array.isArray(errors) && errors.some((e) => classify(e) !== undefined)) {
    return new UnavailableError('database unavailable (connection refused)', { cause: err })
  }
  return undefined
}

/** rethrow throws the classified form of err. */
function rethrow(err: unknown): never {
  throw classify(err) ?? err
}

/**
 * guard wraps a kysely dialect so that every driver call (acquiring a
 * connection, a query, a transaction command) reports availability failures
 * as UnavailableError. Queries and results are untouched.
 */
export function guard(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => guardDriver(dialect.createDriver()),
  }
}

/**
 * guardDriver wraps each connection the driver hands out, and unwraps it when
 * handed back. A pooled connection keeps its wrapper for as long as it
 * lives, so a query makes no wrapper and no WeakMap entry of its own.
 */
function guardDriver(inner: Driver): Driver {
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const outerOf = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const unwrap = (c: DatabaseConnection): DatabaseConnection => innerOf.get(c) ?? c
  const wrap = (c: DatabaseConnection): DatabaseConnection => {
    let outer = outerOf.get(c)
    if (outer === undefined) {
      outer = {
        executeQuery: <R>(q: CompiledQuery) => c.executeQuery<R>(q).catch(rethrow),
        streamQuery: <R>(q: CompiledQuery, chunkSize?: number) => c.streamQuery<R>(q, chunkSize),
      }
      outerOf.set(c, outer)
      innerOf.set(outer, c)
    }
    return outer
  }
  const driver: Driver = {
    init: () => inner.init().catch(rethrow),
    acquireConnection: () => inner.acquireConnection().then(wrap, rethrow),
    beginTransaction: (c, settings) => inner.beginTransaction(unwrap(c), settings).catch(rethrow),
    commitTransaction: (c) => inner.commitTransaction(unwrap(c)).catch(rethrow),
    rollbackTransaction: (c) => inner.rollbackTransaction(unwrap(c)).catch(rethrow),
    releaseConnection: (c) => inner.releaseConnection(unwrap(c)),
    destroy: () => inner.destroy(),
  }
  if (inner.savepoint) {
    const savepoint = inner.savepoint.bind(inner)
    driver.savepoint = (c, name, compile) => savepoint(unwrap(c), name, compile).catch(rethrow)
  }
  if (inner.rollbackToSavepoint) {
    const rollbackTo = inner.rollbackToSavepoint.bind(inner)
    driver.rollbackToSavepoint = (c, name, compile) => rollbackTo(unwrap(c), name, compile).catch(rethrow)
  }
  if (inner.releaseSavepoint) {
    const release = inner.releaseSavepoint.bind(inner)
    driver.releaseSavepoint = (c, name, compile) => release(unwrap(c), name, compile).catch(rethrow)
  }
  return driver
}
