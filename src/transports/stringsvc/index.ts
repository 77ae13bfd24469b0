/** @module stringsvc's transports: the HTTP routes, the HTTP client and the peer proxy client, codecs only; clients picks a client by URL scheme. */
export { httpRoutes, requests, statusByCode } from './http.js'
export { httpClient, proxyClient, type ProxyEndpoints } from './http-client.js'
export { type ClientFactory, type ClientOptions, clients, schemes } from './client.js'
