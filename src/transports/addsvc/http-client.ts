/**
 * httpClient calls a remote addsvc over HTTP. Codecs only: no breaker, no
 * retry, no rate limit (Go kit's addsvc README warns that client libraries
 * baking in policy lead to a distributed monolith). The consumer adds policy
 * in main, through kit/lb. Returning Endpoints makes it exhaustive: a
 * method missing here fails typecheck.
 */
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import * as kithttpc from '../../kit/transport/http-client.js'
import * as addservice from '../../services/addsvc/index.js'

/** httpClient returns Endpoints that call the addsvc instance at baseUrl. */
export function httpClient(baseUrl: string, opts: kithttpc.CommonOptions = {}): addendpoint.Endpoints {
  const common = { ...opts, method: 'POST', decodeError: addservice.errors.fromCode } as const
  return {
    sum: kithttpc.client({ ...common, url: new URL('/sum', baseUrl) }),
    concat: kithttpc.client({ ...common, url: new URL('/concat', baseUrl) }),
  }
}
