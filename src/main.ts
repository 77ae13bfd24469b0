// main wires every component explicitly, from the inside out, as Go kit's
// addsvc.go does: config → logging → metrics → tracing → remote clients →
// services → endpoints → transports → listeners → shutdown. Nothing is
// constructed anywhere else and nothing is global. Each service is one
// stanza: hosted here (the onion from the inside out), or reached at its
// <NAME>_URL through a remote client behind the same Service interface, so
// one build runs as a monolith or split, chosen by configuration alone
// (SERVICES, <NAME>_URL, PUBLISH; see src/registry.ts for what each takes).
//
// build() returns the graph without binding any port, so the wiring test
// boots exactly what production runs; main() binds the listeners and handles
// signals. Everything that listens or must be released is added to one
// Group, which binds in order and closes in reverse.

import { hostname } from 'node:os'
import { pathToFileURL } from 'node:url'
//#region nats imports
import { connect as connectNats, type NatsConnection, type Subscription } from '@nats-io/transport-node'
//#endregion nats imports
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { Dispatcher } from 'undici'

import { type Config, ConfigError, parseConfig, type ServiceConfig, type ServiceName } from './config.js'
import * as kitauth from './kit/auth/index.js'
import type { Endpoint } from './kit/endpoint.js'
import { Group } from './kit/group.js'
import * as lb from './kit/lb/index.js'
import * as kitlog from './kit/log.js'
import * as kitmetrics from './kit/metrics.js'
import { openProvider } from './kit/metrics/registry.js'
import * as sd from './kit/sd/index.js'
//#region sql imports
import * as kitsql from './kit/sql/index.js'
//#endregion sql imports
import * as kittracing from './kit/tracing.js'
import { adminApp, type ReadinessCheck } from './kit/transport/admin.js'
import type { ClientFactory } from './kit/transport/clients.js'
//#region grpc imports
import * as kitgrpc from './kit/transport/grpc-server.js'
//#endregion grpc imports
import { drain, httpApp } from './kit/transport/http-app.js'
import { undici } from './kit/transport/undici.js'
//#region jsonrpc imports
import * as kitjsonrpc from './kit/transport/jsonrpc-server.js'
//#endregion jsonrpc imports
//#region nats imports
import * as kitnats from './kit/transport/nats-server.js'
//#endregion nats imports
//#region thrift imports
import * as kitthrift from './kit/transport/thrift-server.js'
//#endregion thrift imports
import * as mw from './middleware/index.js'
import { project, services as known } from './registry.js'

//#region addsvc imports
import * as addendpoint from './endpoints/addsvc/index.js'
import * as addservice from './services/addsvc/index.js'
import * as addtransport from './transports/addsvc/index.js'
//#endregion addsvc imports
//#region stringsvc imports
import { chain } from './kit/endpoint.js'
import * as stringendpoint from './endpoints/stringsvc/index.js'
import * as stringservice from './services/stringsvc/index.js'
import * as stringtransport from './transports/stringsvc/index.js'
//#endregion stringsvc imports
//#region profilesvc imports
import * as profilemigrations from '../migrations/profilesvc/index.js'
import * as profileendpoint from './endpoints/profilesvc/index.js'
import * as profileservice from './services/profilesvc/index.js'
import * as profiletransport from './transports/profilesvc/index.js'
//#endregion profilesvc imports

/** Graph is the built component graph of one process: listeners built but not yet bound. */
export interface Graph {
  /** app serves the public API of every published service. */
  readonly app: FastifyInstance
  /** admin serves /metrics, /healthz and /readyz. */
  readonly admin: FastifyInstance
  readonly registry: Registry
  /** listen binds the admin listener, then every transport's, the public one last. */
  listen(): Promise<void>
  /** close stops accepting, drains in-flight requests and releases resources in reverse order. */
  close(): Promise<void>
}

/** build wires the component graph for config; it starts nothing that listens. */
export async function build(config: Config, log: kitlog.Logger): Promise<Graph> {
  const group = new Group(log)

  //#region sql
  // The hosted services that keep data share one database, each in a schema of its own.
  let opening: Promise<kitsql.Database> | undefined
  /** database opens the shared database once (closed last, after every listener); each stanza that keeps data awaits the same one. */
  const database = (): Promise<kitsql.Database> => {
    if (opening === undefined) {
      const db = kitsql.open({ url: config.databaseUrl, dataDir: config.dataDir, ...config.database, log })
      group.resource('database', () => db.then((d) => d.close(), () => {}))
      opening = db
    }
    return opening
  }
  // It is open before any route is registered. Measured on Node 20: when
  // PGlite's module loads after a fastify app with a few dozen routes, every
  // process.nextTick of the process gets slower (4 % of its CPU, a tenth of
  // POST /sum's throughput); loaded first, it costs nothing per request.
  if ((Object.keys(known) as ServiceName[]).some((name) => known[name].database && config.services[name].hosted)) await database()
  // Their endpoint spans are also made OpenTelemetry's ambient context, so that
  // pg's instrumentation puts each query below the call that ran it
  // (kit/tracing's ambient option; the other services' spans are linked through Context alone).
  const sqlTracer = config.tracing ? kittracing.otel('tskit', { followsParent: config.tracesFollowParent, ambient: true }) : kittracing.nop()
  //#endregion sql

  // Metrics go to an explicit registry, never prom-client's global default.
  // One duration histogram serves every service; endpoints bind service,
  // method and role (server, or edge in front of a remote instance).
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: project.metricsPrefix })
  // With METRICS_URLS, every metric also goes to each push backend (StatsD,
  // DogStatsD, InfluxDB, Graphite), loaded only when named; their final push
  // happens after the listeners drain, so it carries every call.
  const pushed = await Promise.all(
    config.metricsUrls.map((url) => openProvider(url, { log: log.with({ component: 'metrics' }), ...config.metricsPush, tags: { instance: hostname() } })),
  )
  const metrics = pushed.length === 0 ? kitmetrics.prometheus(registry) : kitmetrics.multi(kitmetrics.prometheus(registry), ...pushed)
  group.resource('metrics', () => metrics.close())
  const named = (name: string): string => `${project.metricsPrefix}${name}`
  const duration = metrics.histogram({
    name: named('request_duration_seconds'),
    help: 'Duration of endpoint calls in seconds, by service, method, role (server, edge), transport (http, grpc, jsonrpc, nats, thrift, local) and outcome (ok, domain_error, fault).',
    labelNames: ['service', 'method', 'role', 'transport', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  })

  // Tracing is a dependency like any other: OpenTelemetry when an exporter is
  // configured (the SDK itself is started by the src/telemetry.js preload), else a no-op.
  const tracer = config.tracing ? kittracing.otel('tskit', { followsParent: config.tracesFollowParent }) : kittracing.nop()
  group.resource('tracing', () => kittracing.flush())

  // Readiness checks are collected as dependencies are built; /readyz runs them all.
  // The admin listener (Go kit's debug address) is bound first and closed last.
  const checks: Record<string, ReadinessCheck> = {}
  const admin = adminApp({ registry, checks, accepting: () => !group.closing, limits: config.listener })
  group.listener('admin', () => admin.listen({ host: config.adminHost, port: config.adminPort }), () => admin.close())

  // Authentication: one verifier from config, JWT (JWT_SECRET, JWT_PUBLIC_KEY or
  // JWT_JWKS_URL) or Basic (BASIC_AUTH_USERS); none when neither is set. Each
  // stanza picks the methods that need it with protect(), which also lists them
  // in the OpenAPI document. A caller's credential travels with its Context to
  // the remote calls it causes (Go kit's ContextToHTTP: the instance behind an
  // edge authenticates the real caller, and the edge needs no secret); calls
  // without one carry this process's own: CLIENT_TOKEN, or a token minted with JWT_SECRET.
  //#region protect
  const verifier = config.auth.jwt
    ? kitauth.jwtVerifier({ ...config.auth.jwt, realm: project.name })
    : config.auth.basicUsers && kitauth.basicVerifier(config.auth.basicUsers, { realm: project.name })
  const authenticate = verifier && mw.authenticate(verifier)
  const protect = <M extends string>(methods: readonly M[]) => ({
    auth: Object.fromEntries(authenticate ? methods.map((m) => [m, authenticate]) : []) as Partial<Record<M, ReturnType<typeof mw.authenticate>>>,
    security: Object.fromEntries(verifier ? methods.map((m) => [m, [verifier.scheme === 'basic' ? 'basicAuth' : 'bearerAuth']]) : []),
  })
  //#endregion protect
  const own = config.auth.sign
  const signing =
    own &&
    mw.sign(
      'token' in own
        ? kitauth.staticCredential(own.token)
        : kitauth.jwtSigner({ ...own, ttlSec: 60, subject: project.name, issuer: config.auth.jwt?.issuer, audience: config.auth.jwt?.audience }),
    )
  // CLIENT_RATE_LIMIT: one bucket per client (its subject, else its address) over every published method.
  const clientLimit = config.auth.clientRateLimit === undefined ? undefined : mw.perClient(config.auth.clientRateLimit)

  // Remote services are reached over one keep-alive connection pool. Each is
  // found by an instancer (a URL list, a DNS name re-resolved, or a registry:
  // etcd, ZooKeeper, Consul) and called
  // through lb.balance: round robin, retries, and a breaker per instance and
  // method. Calls that may have reached an instance are retried only for the
  // methods the registry calls idempotent. The policy is the consumer's, chosen here.
  // With CLIENT_*_FILE, https:// instances are verified against CLIENT_CA_FILE and shown our certificate (mutual TLS).
  // The pool (and undici with it) is made for the first remote service: a monolith never loads it.
  let pool: Promise<{ readonly tracer: kittracing.Tracer; readonly dispatcher: Dispatcher }> | undefined
  const clientOptions = () =>
    (pool ??= undici().then(({ Agent }) => {
      const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 128, ...(config.clientTls && { connect: config.clientTls }) })
      group.resource('http client pool', () => dispatcher.close())
      return { tracer, dispatcher }
    }))
  const breaker = (name: string, instance: string, method: string, until: AbortSignal): mw.BreakerOptions => ({
    name: `${name}.${method}@${instance}`,
    resetTimeoutMs: 2_000,
    until,
    onStateChange: (state) => log[state === 'open' ? 'warn' : 'info']('client circuit breaker', { service: name, method, instance, state }),
  })
  const remote = async <E extends lb.EndpointRecord<E>>(
    name: ServiceName,
    targets: readonly string[],
    factory: ClientFactory<E>,
    policy?: Partial<lb.BalanceOptions>,
  ): Promise<E> => {
    const instancer = await sd.discover(targets, { log: log.with({ component: 'sd', service: name }) })
    group.resource(`${name} instancer`, () => instancer.stop())
    group.resource(`${name} clients`, () => factory.close())
    checks[`${name}-instances`] = async () => {
      if (instancer.current().instances.length === 0) throw new Error(instancer.current().err?.message ?? 'no instances yet')
    }
    const idempotent = new Set<string>(known[name].idempotent)
    const balanced = lb.balance(instancer, factory, {
      name,
      maxAttempts: 3,
      timeoutMs: 1_000,
      shouldRetry: (err, method) => (idempotent.has(method) ? lb.isFault(err) : lb.isUnsent(err)),
      perInstance: (instance, method, dropped) => mw.circuitBreaker(breaker(name, instance, method, dropped)),
      ...policy,
    })
    if (!signing) return balanced
    const signed: Record<string, unknown> = {}
    for (const [method, e] of Object.entries<Endpoint<never, unknown>>(balanced)) signed[method] = signing(e)
    return signed as E
  }

  // The public HTTP server; each published service registers itself as an encapsulated plugin.
  // Go kit's paths are disjoint (/sum, /uppercase, /profiles/…), so no prefixes are needed.
  // It bounds headers and timeouts (config.listener), serves TLS with TLS_CERT_FILE, and CORS only with CORS_ORIGINS.
  const app = await httpApp({
    log,
    bodyLimit: config.bodyLimit,
    title: project.name,
    version: '0.1.0',
    traced: config.tracing,
    limits: config.listener,
    ...(config.tls && { tls: config.tls }),
    ...(config.corsOrigins && { corsOrigins: config.corsOrigins }),
  })
  const endpointDeps = (svc: ServiceConfig) => ({ log, duration, tracer, limits: svc.limits, edge: !svc.hosted, clientLimit })

  // Hosted services may also be served over gRPC, JSON-RPC and (with NATS_URL)
  // NATS; the stanzas collect their bindings, and one listener per transport serves them all.
  //#region grpc
  const grpcServices: kitgrpc.Service[] = []
  //#endregion grpc
  //#region jsonrpc
  const jsonrpcMethods: Record<string, kitjsonrpc.Method> = {}
  const addJsonrpc = (service: string, methods: Readonly<Record<string, kitjsonrpc.Method>>): void => {
    for (const [name, m] of Object.entries(methods)) {
      if (Object.hasOwn(jsonrpcMethods, name)) throw new Error(`JSON-RPC method ${name} of ${service} is already served by another service`)
      jsonrpcMethods[name] = m
    }
  }
  //#endregion jsonrpc
  //#region nats
  const natsServers: ((nc: NatsConnection) => Subscription[])[] = []
  //#endregion nats
  //#region thrift
  // Thrift carries one service per port; the hosted service that speaks it claims THRIFT_PORT.
  let thriftServer: ReturnType<typeof kitthrift.server> | undefined
  //#endregion thrift

  //#region addsvc
  // addsvc: hosted here, or reached at ADDSVC_URL (http://, jsonrpc+http://,
  // grpc:// or nats://) behind the same Service. Its business counters keep
  // Go kit's meaning, with Prometheus names.
  const addsvc = config.services.addsvc
  const adds: addservice.Service | undefined = addsvc.hosted
    ? addservice.make({
        ints: metrics.counter({ name: named('addsvc_integers_summed_total'), help: 'Total count of integers summed via the Sum method.' }),
        chars: metrics.counter({ name: named('addsvc_characters_concatenated_total'), help: 'Total count of characters (UTF-8 bytes) concatenated via the Concat method.' }),
      })
    : addsvc.remote && addendpoint.toService(await remote('addsvc', addsvc.remote, addtransport.clients(await clientOptions())))
  if (adds && addsvc.published) {
    const endpoints = addendpoint.make(adds, endpointDeps(addsvc))
    await app.register(addtransport.httpRoutes(endpoints, log))
    if (addsvc.hosted) {
      grpcServices.push(addtransport.grpcServer(endpoints, { log, tracer }))
      addJsonrpc('addsvc', addtransport.jsonrpcMethods(endpoints))
      natsServers.push((nc) => addtransport.natsServer(nc, endpoints, { log, tracer, prefix: config.natsSubjectPrefix }))
      thriftServer = addtransport.thriftServer(endpoints, { log, tracer, wire: config.thrift, maxMessageBytes: config.bodyLimit })
    }
  }
  //#endregion addsvc

  //#region stringsvc
  // stringsvc: hosted here, or reached at STRINGSVC_URL. When hosted with
  // STRINGSVC_PROXY peers, Uppercase is served by them (Go kit stringsvc3):
  // round robin, 3 attempts within 250 ms, and per peer a 100/s rate limit
  // outside a breaker; Count stays local.
  const stringsvc = config.services.stringsvc
  const peers = stringsvc.lists.proxy ?? []
  const proxied = peers.length === 0 ? {} : await clientOptions()
  const strings: stringservice.Service | undefined = stringsvc.hosted
    ? stringservice.make(
        peers.length === 0
          ? {}
          : {
              proxy: stringendpoint.toUppercase(
                (await remote('stringsvc', peers, Object.assign((u: string) => stringtransport.proxyClient(u, proxied), { schemes: ['http:'], close: async () => {} }), {
                  name: 'stringsvc-proxy',
                  timeoutMs: 250,
                  perInstance: (peer, method, dropped) => chain(mw.rateLimit(mw.tokenBucket(100)), mw.circuitBreaker(breaker('stringsvc-proxy', peer, method, dropped))),
                })).uppercase,
              ),
            },
      )
    : stringsvc.remote && stringendpoint.toService(await remote('stringsvc', stringsvc.remote, stringtransport.clients(await clientOptions())))
  if (strings && stringsvc.published) {
    await app.register(stringtransport.httpRoutes(stringendpoint.make(strings, endpointDeps(stringsvc)), log))
  }
  //#endregion stringsvc

  //#region profilesvc
  // profilesvc: storage first, then the onion from the inside out: database,
  // store, service, endpoints, transport; or reached at PROFILESVC_URL.
  // Profiles live in PostgreSQL at DATABASE_URL, or in embedded PGlite under
  // DATA_DIR when it is unset. profilesvc owns the schema "profilesvc" and its
  // migrations, applied here when MIGRATE_ON_START says so (the default for the
  // embedded database). /readyz reports the database; while it is down, calls fail fast with 503.
  const profilesvc = config.services.profilesvc
  let profiles: profileservice.Service | undefined
  if (profilesvc.hosted) {
    const db = await database()
    checks.database = () => db.ping()
    if (config.migrateOnStart) {
      const done = await kitsql.migrate(db.db, profilemigrations.set).catch(async (err: unknown) => {
        await group.close()
        throw err
      })
      if (done.length > 0) log.info('migrated', { service: 'profilesvc', migrations: done })
    }
    profiles = profileservice.make({
      store: profileservice.makePostgresStore(db.db.withSchema(profilemigrations.schema).withTables<profileservice.Tables>()),
      changes: metrics.counter({
        name: named('profilesvc_changes_total'),
        help: 'Total count of committed profile changes, by change (created, replaced, patched, deleted, address_added, address_deleted).',
        labelNames: ['change'],
      }),
    })
  } else if (profilesvc.remote) {
    profiles = profileendpoint.toService(await remote('profilesvc', profilesvc.remote, profiletransport.clients(await clientOptions())))
  }
  if (profiles && profilesvc.published) {
    // The example policy: with authentication configured, writes need a credential and reads stay open.
    const writes = protect(['postProfile', 'putProfile', 'patchProfile', 'deleteProfile', 'postAddress', 'deleteAddress'] as const)
    const endpoints = profileendpoint.make(profiles, { ...endpointDeps(profilesvc), ...(profilesvc.hosted && { tracer: sqlTracer }), auth: writes.auth })
    await app.register(profiletransport.httpRoutes(endpoints, log, writes.security))
  }
  //#endregion profilesvc

  // The transports' listeners, each only when some hosted service uses it:
  // gRPC, JSON-RPC and Thrift on their own ports, NATS subscriptions on NATS_URL.
  //#region nats
  if (config.natsUrl !== undefined && natsServers.length > 0) {
    const nc = await connectNats({ servers: config.natsUrl, name: project.name, noAsyncTraces: true })
    group.resource('nats connection', () => nc.drain())
    checks.nats = async () => {
      if (nc.isClosed()) throw new Error('NATS connection closed')
    }
    let subs: Subscription[] = []
    group.listener('nats', async () => (subs = natsServers.flatMap((serve) => serve(nc))), () => kitnats.drain(subs))
  }
  //#endregion nats
  //#region grpc
  if (grpcServices.length > 0) {
    const server = kitgrpc.server()
    for (const s of grpcServices) server.addService(s.definition, s.implementation)
    group.listener('grpc', () => kitgrpc.listen(server, config.host, config.grpcPort), () => kitgrpc.shutdown(server, config.shutdownTimeoutMs))
  }
  //#endregion grpc
  //#region jsonrpc
  if (Object.keys(jsonrpcMethods).length > 0) {
    const server = kitjsonrpc.jsonrpcServer({ methods: jsonrpcMethods, log, tracer, bodyLimit: config.bodyLimit })
    group.listener('jsonrpc', () => kitjsonrpc.listen(server, config.host, config.jsonrpcPort), () => kitjsonrpc.close(server))
  }
  //#endregion jsonrpc
  //#region thrift
  if (thriftServer) {
    const server = thriftServer
    group.listener('thrift', () => kitthrift.listen(server, config.host, config.thriftPort), () => kitthrift.close(server, config.shutdownTimeoutMs))
  }
  //#endregion thrift
  group.listener('http', () => app.listen({ host: config.host, port: config.port }), () => drain(app))

  // With REGISTER_URL, every hosted service is registered once the listeners
  // are bound, and deregistered first at shutdown, before anything stops
  // accepting, so that callers following the registry stop sending first.
  if (config.registerUrl !== undefined && config.hosted.length > 0) {
    const registerUrl = config.registerUrl
    const registrars = await Promise.all(
      config.hosted.map((name) => sd.openRegistrar(registerUrl, name, config.advertiseUrl, { log: log.with({ component: 'sd', service: name }), ttlMs: config.registerTtlMs })),
    )
    group.listener(
      'registry',
      () => Promise.all(registrars.map((r) => r.register())),
      async () => void (await Promise.all(registrars.map((r) => r.deregister()))),
    )
  }

  return { app, admin, registry, listen: () => group.listen(), close: () => group.close() }
}

/** main runs the process: parse config, build, listen, and shut down gracefully on a signal. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = parseConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${project.name}: ${err.message}\n`)
    process.exit(2)
  }

  // Create a single logger, which we give to every component that logs.
  const log = kitlog.fromPino(pino({ level: config.logLevel }))

  const graph = await build(config, log)
  await graph.listen()
  log.info('listening', {
    http: `${config.host}:${config.port}`,
    admin: `${config.adminHost}:${config.adminPort}`,
    services: config.hosted,
    remote: Object.entries(config.services).flatMap(([name, s]) => (s.remote ? [name] : [])),
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
    // A configuration that build() finds impossible (a dependency neither hosted nor reachable) is a usage error, as in parseConfig.
    if (err instanceof ConfigError) {
      process.stderr.write(`${project.name}: ${err.message}\n`)
      process.exit(2)
    }
    process.stderr.write(`${project.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}
