/** @module profilesvc's transports: the HTTP routes and the HTTP client, each codecs only. */
export {
  decodeDeleteAddressRequest,
  decodeDeleteProfileRequest,
  decodeGetAddressesRequest,
  decodeGetAddressRequest,
  decodeGetProfileRequest,
  decodePatchProfileRequest,
  decodePostAddressRequest,
  decodePostProfileRequest,
  decodePutProfileRequest,
  httpRoutes,
  statusByCode,
} from './http.js'
export { httpClient } from './http-client.js'
