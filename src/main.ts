// main wires every component explicitly, from the inside out, as Go kit's
// addsvc.go does: config → logging → metrics → tracing → services →
// endpoints → transports → listeners → shutdown. Nothing is constructed
// anywhere else and nothing is global. A service this process does not host
// is not built here; a remote client stands in for it behind the same
// Service interface, so one build runs as a monolith or split, chosen by
// configuration alone (SERVICES, <SERVICE>_URL).
//
// build() returns the graph without binding any port, so the wiring test
// boots exactly what production runs; main() binds the listeners and handles
// signals.

import type { Server as HttpServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import { connect as connectNats, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { Agent } from 'undici'

import { type Config, ConfigError, parseConfig } from './config.js'
import { chain } from './kit/endpoint.js'
import * as lb from './kit/lb/index.js'
import * as kitlog from './kit/log.js'
import * as kitmetrics from './kit/metrics.js'
import * as sd from './kit/sd/index.js'
import * as kitsql from './kit/sql/index.js'
import * as kittracing from './kit/tracing.js'
import { adminApp, type ReadinessCheck } from './kit/transport/admin.js'
import * as kitgrpc from './kit/transport/grpc-server.js'
import { drain, httpApp } from './kit/transport/http-app.js'
import * as kitjsonrpc from './kit/transport/jsonrpc-server.js'
import * as kitnats from './kit/transport/nats-server.js'
import * as mw from './middleware/index.js'

import * as addendpoint from './endpoints/addsvc/index.js'
import * as addservice from './services/addsvc/index.js'
import * as addtransport from './transports/addsvc/index.js'
import * as stringendpoint from './endpoints/stringsvc/index.js'
import * as stringservice from './services/stringsvc/index.js'
import * as stringtransport from './transports/stringsvc/index.js'
import * as profilemigrations from '../migrations/profilesvc/index.js'
import * as profileendpoint from './endpoints/profilesvc/index.js'
import * as profileservice from './services/profilesvc/index.js'
import * as profiletransport from './transports/profilesvc/index.js'

/** Graph is the built component graph of one process: listeners built but not yet bound. */
export interface Graph {
  /** app serves the public API of every hosted service. */
  readonly app: FastifyInstance
  /** admin serves /metrics, /healthz and /readyz. */
  readonly admin: FastifyInstance
  readonly registry: Registry
  /** listen binds the admin listener, then the public one. */
  listen(): Promise<void>
  /** close stops accepting, drains in-flight requests and releases resources in reverse order. */
  close(): Promise<void>
}

/** build wires the component graph for config; it starts nothing that listens. */
export async function build(config: Config, log: kitlog.Logger): Promise<Graph> {
  // Metrics go to an explicit registry, never prom-client's global default.
  // One duration histogram serves every service; endpoints bind service and method.
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = kitmetrics.histogram(registry, {
    name: 'request_duration_seconds',
    help: 'Duration of endpoint calls in seconds, by service, method, transport (http, grpc, jsonrpc, nats, local) and outcome (ok, domain_error, fault).',
    labelNames: ['service', 'method', 'transport', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  })

  // Tracing is a dependency like any other: OpenTelemetry when an exporter is
  // configured (the SDK itself is started by the src/telemetry.js preload), else a no-op.
  const tracer = config.tracing ? kittracing.otel() : kittracing.nop()

  // Readiness checks are collected as dependencies are built; /readyz runs them all.
  const checks: Record<string, ReadinessCheck> = {}

  // The public HTTP server; each hosted service registers itself as an encapsulated plugin.
  // Go kit's paths are disjoint (/sum, /uppercase, /profiles/…), so no prefixes are needed.
  const app = await httpApp({ log, bodyLimit: config.bodyLimit, title: 'tskit', version: '0.1.0', traced: config.tracing })

  // Remote services are reached over one keep-alive connection pool. Each is
  // found by an instancer (a URL list, or a DNS name re-resolved) and called
  // through lb.balance: round robin, retries on faults only, and a breaker per
  // instance and method. The policy is the consumer's, chosen here (R10).
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 128 })
  const instancers: sd.Instancer[] = []
  const discover = (name: string, targets: readonly string[]): sd.Instancer => {
    const instancer = sd.fromTargets(targets)
    instancers.push(instancer)
    checks[`${name}-instances`] = async () => {
      if (instancer.current().instances.length === 0) throw new Error(instancer.current().err?.message ?? 'no instances yet')
    }
    return instancer
  }
  const breaker = (name: string, instance: string, method: string): mw.BreakerOptions => ({
    name: `${name}.${method}@${instance}`,
    resetTimeoutMs: 2_000,
    onStateChange: (state) => log[state === 'open' ? 'warn' : 'info']('client circuit breaker', { service: name, method, instance, state }),
  })
  const clientPolicy = (name: string): lb.BalanceOptions => ({
    name,
    maxAttempts: 3,
    timeoutMs: 1_000,
    perInstance: (instance, method, dropped) => mw.circuitBreaker({ ...breaker(name, instance, method), until: dropped }),
  })

  // addsvc: hosted here (build the onion from the inside out: service,
  // endpoints, transport), or reached at ADDSVC_URL behind the same Service.
  // Either way its routes are served here, so the public API is the same in
  // every layout (Go kit's apigateway). Its business counters keep Go kit's
  // meaning, with Prometheus names.
  // ADDSVC_URL's scheme picks the client transport: http://, jsonrpc+http://, grpc:// or nats://.
  const addClients = addtransport.clientFactory({ tracer, dispatcher })
  const adds: addservice.Service | undefined = config.services.has('addsvc')
    ? addservice.make({
        ints: kitmetrics.counter(registry, {
          name: 'addsvc_integers_summed_total',
          help: 'Total count of integers summed via the Sum method.',
        }),
        chars: kitmetrics.counter(registry, {
          name: 'addsvc_characters_concatenated_total',
          help: 'Total count of characters (UTF-8 bytes) concatenated via the Concat method.',
        }),
      })
    : config.remote.addsvc &&
      addendpoint.toService(
        lb.balance(discover('addsvc', config.remote.addsvc), addClients, clientPolicy('addsvc')),
      )
  // When hosted, the same endpoints are also served over gRPC, JSON-RPC and
  // (with NATS_URL) NATS, each on its own listener, bound in listen().
  let grpcServer: grpc.Server | undefined
  let jsonrpcServer: HttpServer | undefined
  let nats: NatsConnection | undefined
  let natsSubs: Subscription[] = []
  if (adds) {
    const addEndpoints = addendpoint.make(adds, { log, duration, tracer, limits: config.limits })
    await app.register(addtransport.httpRoutes(addEndpoints, log))
    if (config.services.has('addsvc')) {
      const service = addtransport.grpcServer(addEndpoints, { log, tracer })
      grpcServer = new grpc.Server()
      grpcServer.addService(service.definition, service.implementation)
      jsonrpcServer = addtransport.jsonrpcServer(addEndpoints, { log, tracer, bodyLimit: config.bodyLimit })
      if (config.natsUrl !== undefined) {
        nats = await connectNats({ servers: config.natsUrl, name: 'tskit', noAsyncTraces: true })
        natsSubs = addtransport.natsServer(nats, addEndpoints, { log, tracer, prefix: config.natsSubjectPrefix })
        checks.nats = async () => {
          if (nats?.isClosed()) throw new Error('NATS connection closed')
        }
      }
    }
  }

  // stringsvc: hosted here, or reached at STRINGSVC_URL. When hosted with
  // STRINGSVC_PROXY peers, Uppercase is served by them (Go kit stringsvc3):
  // round robin, 3 attempts within 250 ms, and per peer a 100/s rate limit
  // outside a breaker; Count stays local.
  const proxyPolicy: lb.BalanceOptions = {
    name: 'stringsvc-proxy',
    maxAttempts: 3,
    timeoutMs: 250,
    perInstance: (peer, method, dropped) =>
      chain(mw.rateLimit(mw.tokenBucket(100)), mw.circuitBreaker({ ...breaker('stringsvc-proxy', peer, method), until: dropped })),
  }
  const strings: stringservice.Service | undefined = config.services.has('stringsvc')
    ? stringservice.make(
        config.stringsvcProxy.length === 0
          ? {}
          : {
              proxy: stringendpoint.toUppercase(
                lb.balance(discover('stringsvc-proxy', config.stringsvcProxy), (u) => stringtransport.proxyClient(u, dispatcher), proxyPolicy).uppercase,
              ),
            },
      )
    : config.remote.stringsvc &&
      stringendpoint.toService(
        lb.balance(discover('stringsvc', config.remote.stringsvc), (u) => stringtransport.httpClient(u, dispatcher), clientPolicy('stringsvc')),
      )
  if (strings) {
    const stringEndpoints = stringendpoint.make(strings, { log, duration, tracer, limits: config.limits })
    await app.register(stringtransport.httpRoutes(stringEndpoints, log))
  }

  // profilesvc: storage first, then the onion from the inside out: database,
  // store, service, endpoints, transport. Profiles live in PostgreSQL at
  // DATABASE_URL, or in embedded PGlite under DATA_DIR when it is unset.
  // profilesvc owns the schema "profilesvc" and its migrations, applied here
  // when MIGRATE_ON_START says so (the default for the embedded database).
  // /readyz reports the database; while it is down, calls fail fast with 503.
  let database: kitsql.Database | undefined
  if (config.services.has('profilesvc')) {
    const db = await kitsql.open({ url: config.databaseUrl, dataDir: config.dataDir, ...config.database, log })
    database = db
    checks.database = () => db.ping()
    if (config.migrateOnStart) {
      const done = await kitsql.migrate(db.db, profilemigrations.set).catch(async (err: unknown) => {
        await db.close()
        throw err
      })
      if (done.length > 0) log.info('migrated', { service: 'profilesvc', migrations: done })
    }
    const profiles = profileservice.make({
      store: profileservice.makePostgresStore(db.db.withSchema(profilemigrations.schema).withTables<profileservice.Tables>()),
      changes: kitmetrics.counter(registry, {
        name: 'profilesvc_changes_total',
        help: 'Total count of committed profile changes, by change (created, replaced, patched, deleted, address_added, address_deleted).',
        labelNames: ['change'],
      }),
    })
    const profileEndpoints = profileendpoint.make(profiles, { log, duration, tracer })
    await app.register(profiletransport.httpRoutes(profileEndpoints, log))
  } else if (config.remote.profilesvc) {
    // Not hosted here: reached at PROFILESVC_URL behind the same Service, its routes served here all the same.
    const profiles = profileendpoint.toService(
      lb.balance(discover('profilesvc', config.remote.profilesvc), (u) => profiletransport.httpClient(u, dispatcher), {
        ...clientPolicy('profilesvc'),
        // Its writes are not idempotent (a POST that timed out may have landed), so only
        // calls that never reached an instance are retried.
        shouldRetry: lb.isUnsent,
      }),
    )
    await app.register(profiletransport.httpRoutes(profileendpoint.make(profiles, { log, duration, tracer }), log))
  }

  // The admin listener (Go kit's debug address) reports on everything above.
  let accepting = true
  const admin = adminApp({ registry, checks, accepting: () => accepting })

  return {
    app,
    admin,
    registry,
    async listen() {
      await admin.listen({ host: config.host, port: config.adminPort })
      if (grpcServer) await kitgrpc.listen(grpcServer, config.host, config.grpcPort)
      if (jsonrpcServer) await kitjsonrpc.listen(jsonrpcServer, config.host, config.jsonrpcPort)
      await app.listen({ host: config.host, port: config.port })
    },
    // Close in reverse order of creation: stop taking traffic and drain, then
    // the admin listener, then the resources the services hold.
    async close() {
      accepting = false
      await drain(app)
      if (jsonrpcServer) await kitjsonrpc.close(jsonrpcServer)
      if (grpcServer) await kitgrpc.shutdown(grpcServer, config.shutdownTimeoutMs)
      await kitnats.drain(natsSubs)
      await nats?.drain()
      await admin.close()
      await database?.close()
      for (const instancer of instancers) instancer.stop()
      await addClients.close()
      await dispatcher.close()
      await kittracing.flush()
    },
  }
}

/** main runs the process: parse config, build, listen, and shut down gracefully on a signal. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = parseConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`tskit: ${err.message}\n`)
    process.exit(2)
  }

  // Create a single logger, which we give to every component that logs.
  const log = kitlog.fromPino(pino({ level: config.logLevel }))

  const graph = await build(config, log)
  await graph.listen()
  log.info('listening', {
    http: `${config.host}:${config.port}`,
    admin: `${config.host}:${config.adminPort}`,
    ...(config.services.has('addsvc') ? { grpc: `${config.host}:${config.grpcPort}`, jsonrpc: `${config.host}:${config.jsonrpcPort}`, nats: config.natsUrl ?? 'off' } : {}),
    services: [...config.services],
  })

  // Run until SIGINT or SIGTERM. Then drain within SHUTDOWN_TIMEOUT_MS; a second signal exits at once.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const again = (): never => {
    log.warn('second signal, exiting now')
    process.exit(1)
  }
  process.once('SIGINT', again)
  process.once('SIGTERM', again)
  log.info('shutting down', { signal, drainMs: config.shutdownTimeoutMs })
  let timer: NodeJS.Timeout | undefined
  const drained = await Promise.race([
    graph.close().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(resolve, config.shutdownTimeoutMs, false))),
  ])
  clearTimeout(timer)
  if (drained) log.info('stopped')
  else log.warn('drain timed out, exiting with requests in flight')
  process.exit(drained ? 0 : 1)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`tskit: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}
