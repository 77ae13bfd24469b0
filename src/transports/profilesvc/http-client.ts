/**
 * httpClient calls a remote profilesvc over HTTP. Codecs only: no breaker,
 * no retry (Go kit's addsvc README warns that client libraries baking in
 * policy lead to a distributed monolith); the consumer adds policy in main.
 * Ids are percent-encoded into the path (Go kit's client QueryEscapes them).
 * Failures come back as the same classes the local Service throws.
 */
import type * as profileendpoint from '../../endpoints/profilesvc/index.js'
import * as kithttpc from '../../kit/transport/http-client.js'
import * as profileservice from '../../services/profilesvc/index.js'

/** httpClient returns Endpoints that call the profilesvc instance at baseUrl. */
export function httpClient(baseUrl: string, opts: kithttpc.CommonOptions = {}): profileendpoint.Endpoints {
  const common = { ...opts, decodeError: profileservice.errors.fromCode } as const
  const at = (path: string): URL => new URL(path, baseUrl)
  const profile = (id: string): URL => at(`/profiles/${encodeURIComponent(id)}`)
  const addresses = (id: string): URL => at(`/profiles/${encodeURIComponent(id)}/addresses/`)
  const address = (id: string, addressId: string): URL =>
    at(`/profiles/${encodeURIComponent(id)}/addresses/${encodeURIComponent(addressId)}`)
  const noBody = (): undefined => undefined
  return {
    postProfile: kithttpc.client({ ...common, route: 'POST /profiles/', method: 'POST', url: at('/profiles/'), encode: (req) => req.profile }),
    getProfile: kithttpc.client({ ...common, route: 'GET /profiles/{id}', method: 'GET', url: (req) => profile(req.id), encode: noBody }),
    putProfile: kithttpc.client({ ...common, route: 'PUT /profiles/{id}', method: 'PUT', url: (req) => profile(req.id), encode: (req) => req.profile }),
    patchProfile: kithttpc.client({ ...common, route: 'PATCH /profiles/{id}', method: 'PATCH', url: (req) => profile(req.id), encode: (req) => req.profile }),
    deleteProfile: kithttpc.client({ ...common, route: 'DELETE /profiles/{id}', method: 'DELETE', url: (req) => profile(req.id), encode: noBody }),
    getAddresses: kithttpc.client({ ...common, route: 'GET /profiles/{id}/addresses/', method: 'GET', url: (req) => addresses(req.profileId), encode: noBody }),
    getAddress: kithttpc.client({ ...common, route: 'GET /profiles/{id}/addresses/{addressID}', method: 'GET', url: (req) => address(req.profileId, req.addressId), encode: noBody }),
    postAddress: kithttpc.client({ ...common, route: 'POST /profiles/{id}/addresses/', method: 'POST', url: (req) => addresses(req.profileId), encode: (req) => req.address }),
    deleteAddress: kithttpc.client({ ...common, route: 'DELETE /profiles/{id}/addresses/{addressID}', method: 'DELETE', url: (req) => address(req.profileId, req.addressId), encode: noBody }),
  }
}
