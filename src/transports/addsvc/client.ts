/**
 * clientFactory picks addsvc's client transport from an instance URL's
 * scheme, so ADDSVC_URL alone decides how a consumer reaches a remote addsvc:
 *
 *   http://host:port (or host:port)      HTTP, POST /sum and /concat
 *   jsonrpc+http://host:port[/path]      JSON-RPC 2.0 over HTTP
 *   grpc://host:port                     gRPC, pb.Add
 *   nats://host:port[/prefix]            NATS request/reply on <prefix>.sum…
 *                                        (prefix defaults to "addsvc")
 *
 * Each returns the same addendpoint.Endpoints with the same error classes;
 * this is the factory main hands to lb.balance, which adds the policy
 * (breaker per instance, retries, deadline). Every call gets a client span
 * when tracing is on. close() releases the channels and connections the
 * factory opened.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Dispatcher } from 'undici'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Endpoint } from '../../kit/endpoint.js'
import { nop, type Tracer } from '../../kit/tracing.js'
import { grpcClient } from './grpc-client.js'
import { httpClient } from './http-client.js'
import { jsonrpcClient } from './jsonrpc-client.js'
import { natsClient } from './nats-client.js'

/** ClientFactoryOptions are the collaborators shared by every client the factory makes. */
export interface ClientFactoryOptions {
  readonly tracer?: Tracer
  /** dispatcher is the undici pool for HTTP and JSON-RPC instances (default: undici's global agent). */
  readonly dispatcher?: Dispatcher
  /** natsTimeoutMs bounds NATS calls without a deadline (default 5 000). */
  readonly natsTimeoutMs?: number
}

/** ClientFactory makes Endpoints for one instance URL; close releases everything it opened. */
export interface ClientFactory {
  (instance: string): addendpoint.Endpoints
  close(): Promise<void>
}

/** schemes lists the URL schemes clientFactory understands. */
export const schemes = ['http:', 'https:', 'jsonrpc+http:', 'jsonrpc+https:', 'grpc:', 'nats:'] as const

/** clientFactory returns the scheme-dispatching factory for addsvc clients. */
export function clientFactory(opts: ClientFactoryOptions = {}): ClientFactory {
  const tracer = opts.tracer ?? nop()
  const closers: (() => Promise<void> | void)[] = []
  const nats = new Map<string, Promise<NatsConnection>>()

  const connection = (servers: string): Promise<NatsConnection> => {
    let nc = nats.get(servers)
    if (nc === undefined) {
      nc = connect({ servers, name: 'tskit-addsvc-client', noAsyncTraces: true })
      nats.set(servers, nc)
      // A failed connect is reported by each call; it must not also be an unhandled rejection.
      nc.catch(() => nats.delete(servers))
      closers.push(() => nc?.then((c) => c.drain(), () => {}))
    }
    return nc
  }

  const factory = (instance: string): addendpoint.Endpoints => {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `http://${instance}`)
    switch (url.protocol) {
      case 'http:':
      case 'https:': {
        // The HTTP client is codecs only; the client span is added here, as the other kit clients do themselves.
        const e = httpClient(url.href, opts.dispatcher)
        return { sum: traced(tracer, 'POST /sum', e.sum), concat: traced(tracer, 'POST /concat', e.concat) }
      }
      case 'jsonrpc+http:':
      case 'jsonrpc+https:':
        return jsonrpcClient(url.href.replace(/^jsonrpc\+/, ''), { tracer, ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}) })
      case 'grpc:': {
        const c = grpcClient(url.host, { tracer })
        closers.push(() => c.close())
        return c
      }
      case 'nats:': {
        const prefix = url.pathname.replace(/^\/+|\/+$/g, '') || 'addsvc'
        return natsClient(connection(url.host), {
          tracer,
          prefix,
          ...(opts.natsTimeoutMs === undefined ? {} : { timeoutMs: opts.natsTimeoutMs }),
        })
      }
      default:
        throw new Error(`addsvc client: unsupported scheme ${url.protocol} in ${instance} (use ${schemes.join(', ')})`)
    }
  }
  return Object.assign(factory, {
    async close() {
      await Promise.all(closers.splice(0).map((c) => c()))
      nats.clear()
    },
  })
}

/** traced wraps a client endpoint in a client span when tracing is on. */
function traced<Req, Res>(tracer: Tracer, name: string, next: Endpoint<Req, Res>): Endpoint<Req, Res> {
  if (!tracer.enabled) return next
  return (ctx, req) => tracer.run(ctx, name, 'client', (c) => next(c, req))
}
