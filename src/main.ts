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

import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'

import { type Config, ConfigError, parseConfig } from './config.js'
import * as kitlog from './kit/log.js'
import * as kitmetrics from './kit/metrics.js'
import * as kittracing from './kit/tracing.js'
import { adminApp, type ReadinessCheck } from './kit/transport/admin.js'
import { httpApp } from './kit/transport/http-app.js'

import * as addendpoint from './endpoints/addsvc/index.js'
import * as addservice from './services/addsvc/index.js'
import * as addtransport from './transports/addsvc/index.js'

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
    help: 'Duration of endpoint calls in seconds, by service, method and outcome (ok, domain_error, fault).',
    labelNames: ['service', 'method', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  })

  // Tracing is a dependency like any other: a no-op until the OpenTelemetry SDK is configured.
  const tracer = kittracing.nop()

  // Readiness checks are collected as dependencies are built; /readyz runs them all.
  const checks: Record<string, ReadinessCheck> = {}

  // The public HTTP server; each hosted service registers itself as an encapsulated plugin.
  // Go kit's paths are disjoint (/sum, /uppercase, /profiles/…), so no prefixes are needed.
  const app = await httpApp({ log, bodyLimit: config.bodyLimit, title: 'tskit', version: '0.1.0' })

  // addsvc: build the onion from the inside out: service, endpoints, transport.
  // Its business counters keep Go kit's meaning, with Prometheus names.
  if (config.services.has('addsvc')) {
    const ints = kitmetrics.counter(registry, {
      name: 'addsvc_integers_summed_total',
      help: 'Total count of integers summed via the Sum method.',
    })
    const chars = kitmetrics.counter(registry, {
      name: 'addsvc_characters_concatenated_total',
      help: 'Total count of characters (UTF-8 bytes) concatenated via the Concat method.',
    })
    const adds = addservice.make({ ints, chars })
    const addEndpoints = addendpoint.make(adds, { log, duration, tracer, limits: config.limits })
    await app.register(addtransport.httpRoutes(addEndpoints, log))
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
      await app.listen({ host: config.host, port: config.port })
    },
    // Close in reverse order of creation: stop taking traffic and drain, then
    // the admin listener, then the resources the services hold.
    async close() {
      accepting = false
      await app.close()
      await admin.close()
    },
  }
}

/** main runs the process: parse config, build, listen, and shut down gracefully on a signal. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = parseConfig(process.env)
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
  log.info(drained ? 'stopped' : 'drain timed out, exiting with requests in flight')
  process.exit(drained ? 0 : 1)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`tskit: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exit(1)
  })
}
