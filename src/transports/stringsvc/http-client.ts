/**
 * httpClient calls a remote stringsvc over HTTP; proxyClient calls one peer's
 * Uppercase the way Go kit stringsvc3's proxy does (GET with a JSON body, to
 * a URL whose path defaults to /uppercase), so our proxy can use a Go kit
 * peer and theirs ours. Codecs only: no breaker, no retry, no rate limit; the
 * consumer adds policy in main, through kit/lb. A business error arrives in a
 * 200 body as `err` and is rebuilt as the same class, by code when the peer
 * sent one and by Go kit's message otherwise.
 */
import type * as stringendpoint from '../../endpoints/stringsvc/index.js'
import { KitError } from '../../kit/errors.js'
import * as kithttpc from '../../kit/transport/http-client.js'
import * as stringservice from '../../services/stringsvc/index.js'

/** decodeUppercaseResponse maps a 200 body to an UppercaseResponse, throwing the business error it carries. */
function decodeUppercaseResponse(body: unknown): stringendpoint.UppercaseResponse {
  const { v, err, code } = body as { v?: unknown; err?: unknown; code?: unknown }
  if (typeof err === 'string' && err !== '') {
    throw (typeof code === 'string' ? stringservice.errors.fromCode(code) : undefined) ??
      stringservice.errors.fromMessage(err) ??
      new KitError('UPSTREAM_ERROR', 502, `stringsvc answered an unknown error: ${err}`)
  }
  if (typeof v !== 'string') throw new KitError('UPSTREAM_ERROR', 502, 'stringsvc answered without a string v')
  return { v }
}

/** decodeCountResponse maps a 200 body to a CountResponse. */
function decodeCountResponse(body: unknown): stringendpoint.CountResponse {
  const { v } = body as { v?: unknown }
  if (typeof v !== 'number') throw new KitError('UPSTREAM_ERROR', 502, 'stringsvc answered without a number v')
  return { v }
}

/** httpClient returns Endpoints that call the stringsvc instance at baseUrl. */
export function httpClient(baseUrl: string, opts: kithttpc.CommonOptions = {}): stringendpoint.Endpoints {
  const common = { ...opts, method: 'POST', decodeError: stringservice.errors.fromCode } as const
  return {
    uppercase: kithttpc.client({ ...common, url: new URL('/uppercase', baseUrl), decode: decodeUppercaseResponse }),
    count: kithttpc.client({ ...common, url: new URL('/count', baseUrl), decode: decodeCountResponse }),
  }
}

/** ProxyEndpoints is the part of a peer that proxyingMiddleware calls. */
export type ProxyEndpoints = Pick<stringendpoint.Endpoints, 'uppercase'>

/** proxyClient returns the Uppercase endpoint of one peer, as Go kit's makeUppercaseProxy builds it. */
export function proxyClient(peerUrl: string, opts: kithttpc.CommonOptions = {}): ProxyEndpoints {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(peerUrl) ? peerUrl : `http://${peerUrl}`)
  if (url.pathname === '/') url.pathname = '/uppercase'
  return {
    uppercase: kithttpc.client({ ...opts, method: 'GET', url, decodeError: stringservice.errors.fromCode, decode: decodeUppercaseResponse }),
  }
}
