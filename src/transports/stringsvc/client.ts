/**
 * clients picks stringsvc's client transport from an instance URL's scheme,
 * so STRINGSVC_URL alone decides how a consumer reaches a remote stringsvc:
 *
 *   http://host:port (or host:port)      HTTP, POST /uppercase and /count
 *
 * Each returns the same stringendpoint.Endpoints with the same error classes
 * and a client span per call when tracing is on; this is the factory main
 * hands to lb.balance, which adds the policy.
 */
import type { Dispatcher } from 'undici'
import type * as stringendpoint from '../../endpoints/stringsvc/index.js'
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

/** schemes lists the URL schemes STRINGSVC_URL may use; config validates against it. */
export const schemes = ['http:', 'https:'] as const

/** clients returns the scheme-dispatching factory for stringsvc clients. */
export function clients(opts: ClientOptions = {}): ClientFactory<stringendpoint.Endpoints> {
  const http = (url: URL): stringendpoint.Endpoints => httpClient(url.href, opts)
  const dials: Readonly<Record<(typeof schemes)[number], Dial<stringendpoint.Endpoints>>> = { 'http:': http, 'https:': http }
  return byScheme('stringsvc', dials)
}
