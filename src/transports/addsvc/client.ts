/**
 * clients picks addsvc's client transport from an instance URL's scheme, so
 * ADDSVC_URL alone decides how a consumer reaches a remote addsvc:
 *
 *   http://host:port (or host:port)      HTTP, POST /sum and /concat
 *   jsonrpc+http://host:port[/path]      JSON-RPC 2.0 over HTTP
 *   grpc://host:port                     gRPC, pb.Add
 *   nats://host:port[/prefix]            NATS request/reply on <prefix>.sum…
 *                                        (prefix defaults to "addsvc")
 *   thrift://host:port[?protocol=compact&framed=true&buffered=true]
 *                                        Thrift AddService (binary, unframed by default)
 *
 * Each returns the same addendpoint.Endpoints with the same error classes
 * and a client span per call when tracing is on; this is the factory main
 * hands to lb.balance, which adds the policy (breaker per instance, retries,
 * deadline). close() releases the channels and connections it opened.
 */
import type { Dispatcher } from 'undici'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import { type ClientFactory, clients as byScheme, type Dial } from '../../kit/transport/clients.js'
import { connections } from '../../kit/transport/nats-client.js'
import type { Tracer } from '../../kit/tracing.js'
import { grpcClient } from './grpc-client.js'
import { httpClient } from './http-client.js'
import { jsonrpcClient } from './jsonrpc-client.js'
import { natsClient } from './nats-client.js'
import { thriftClient } from './thrift-client.js'

export type { ClientFactory } from '../../kit/transport/clients.js'

/** ClientOptions are the collaborators shared by every client the factory makes. */
export interface ClientOptions {
  readonly tracer?: Tracer
  /** dispatcher is the undici pool for HTTP and JSON-RPC instances (default: undici's global agent). */
  readonly dispatcher?: Dispatcher
  /** natsTimeoutMs bounds NATS calls without a deadline (default 5 000). */
  readonly natsTimeoutMs?: number
}

/** schemes lists the URL schemes ADDSVC_URL may use; config validates against it. */
export const schemes = ['http:', 'https:', 'jsonrpc+http:', 'jsonrpc+https:', 'grpc:', 'nats:', 'thrift:'] as const

/** clients returns the scheme-dispatching factory for addsvc clients. */
export function clients(opts: ClientOptions = {}): ClientFactory<addendpoint.Endpoints> {
  const nats = connections('addsvc-client')
  const http = (url: URL): addendpoint.Endpoints => httpClient(url.href, opts)
  const jsonrpc = (url: URL): addendpoint.Endpoints => jsonrpcClient(url.href.replace(/^jsonrpc\+/, ''), opts)
  let closedNats = false
  const dials: Readonly<Record<(typeof schemes)[number], Dial<addendpoint.Endpoints>>> = {
    'http:': http,
    'https:': http,
    'jsonrpc+http:': jsonrpc,
    'jsonrpc+https:': jsonrpc,
    'grpc:': (url, onClose) => {
      const c = grpcClient(url.host, opts)
      onClose(() => c.close())
      return c
    },
    'thrift:': (url, onClose) => {
      const c = thriftClient(url.href, opts)
      onClose(() => c.close())
      return c
    },
    'nats:': (url, onClose) => {
      if (!closedNats) onClose(() => nats.close())
      closedNats = true
      const prefix = url.pathname.replace(/^\/+|\/+$/g, '') || 'addsvc'
      return natsClient(nats.get(url.host), {
        prefix,
        ...(opts.tracer ? { tracer: opts.tracer } : {}),
        ...(opts.natsTimeoutMs === undefined ? {} : { timeoutMs: opts.natsTimeoutMs }),
      })
    },
  }
  return byScheme('addsvc', dials)
}
