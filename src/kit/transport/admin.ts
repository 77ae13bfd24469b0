/**
 * The admin listener is Go kit's debug address: operational endpoints on
 * their own port, so that they are never exposed with the public API and a
 * flood of public traffic cannot starve a health probe's route table.
 *
 *   GET /metrics  Prometheus text format, from the registry main built
 *   GET /healthz  200 while the process runs (liveness)
 *   GET /readyz   200 when every readiness check passes and the process is
 *                 not shutting down, else 503 naming the failing checks
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { defaultLimits, type ListenerLimits, listenerFactory } from './http-app.js'

/** ReadinessCheck resolves when a dependency is usable and rejects (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>

/** AdminOptions are what the admin listener reports on. */
export interface AdminOptions {
  readonly registry: Registry
  /** checks are run on every /readyz, by name. */
  readonly checks: Readonly<Record<string, ReadinessCheck>>
  /** accepting reports whether the process still takes traffic (false once shutdown begins). */
  readonly accepting: () => boolean
  /** limits bound header size and count and the timeouts, as on the public listener (default defaultLimits). */
  readonly limits?: ListenerLimits
}

/** adminApp returns the fastify instance of the admin listener. */
export function adminApp(opts: AdminOptions): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true, serverFactory: listenerFactory(opts.limits ?? defaultLimits) })
  app.get('/metrics', async (_req, reply) => {
    void reply.type(opts.registry.contentType)
    return opts.registry.metrics()
  })
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_req, reply) => {
    const failing: Record<string, string> = {}
    if (!opts.accepting()) failing.process = 'shutting down'
    await Promise.all(
      Object.entries(opts.checks).map(async ([name, check]) => {
        try {
          await check()
        } catch (err) {
          failing[name] = err instanceof Error ? err.message : String(err)
        }
      }),
    )
    const ok = Object.keys(failing).length === 0
    void reply.code(ok ? 200 : 503)
    return ok ? { status: 'ready' } : { status: 'not ready', failing }
  })
  return app
}
