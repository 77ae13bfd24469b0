/**
 * clients picks profilesvc's client transport from an instance URL's scheme,
 * so PROFILESVC_URL alone decides how a consumer reaches a remote profilesvc:
 *
 *   http://host:port (or host:port)      HTTP, Go kit's profilesvc routes
 *
 * Each returns the same profileendpoint.Endpoints with the same error classes
 * and a client span per call when tracing is on; this is the factory main
 * hands to lb.balance, which adds the policy.
 */
import type { Dispatcher } from 'undici'
import type * as profileendpoint from '../../endpoints/profilesvc/index.js'
import { type ClientFactory, clients as byScheme, type Dial } from '../../kit/transport/clients.js'
import type { Tracer } from '../../kit/tracing.js'
import { httpClient } from './http-client.js'

export type { ClientFactory } from '../../kit/transport/clients.js'

/** ClientOptions are the collaborators shared by every client the factory makes. */
export interface ClientOptions {
  readonly tracer?: Tracer
  /** dispatcher is the undici pool for HTTP instances (default: undici's global agent). */
  readonly dispatcher?: Dispatcher
}

/** schemes lists the URL schemes PROFILESVC_URL may use; config validates against it. */
export const schemes = ['http:', 'https:'] as const

/** clients returns the scheme-dispatching factory for profilesvc clients. */
export function clients(opts: ClientOptions = {}): ClientFactory<profileendpoint.Endpoints> {
  const http = (url: URL): profileendpoint.Endpoints => httpClient(url.href, opts)
  const dials: Readonly<Record<(typeof schemes)[number], Dial<profileendpoint.Endpoints>>> = { 'http:': http, 'https:': http }
  return byScheme('profilesvc', dials)
}
