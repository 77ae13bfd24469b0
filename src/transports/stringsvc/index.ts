/** @module stringsvc's transports: the HTTP routes, the HTTP client and the peer proxy client, each codecs only. */
export { decodeCountRequest, decodeUppercaseRequest, errorEncoder, httpRoutes, statusByCode } from './http.js'
export { decodeCountResponse, decodeUppercaseResponse, httpClient, proxyClient, type ProxyEndpoints } from './http-client.js'
