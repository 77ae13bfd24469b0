/** @module profilesvc's transports: the HTTP routes and the HTTP client, codecs only; clients picks a client by URL scheme. */
export { httpRoutes, requests, statusByCode } from './http.js'
export { httpClient } from './http-client.js'
export { type ClientFactory, type ClientOptions, clients, schemes } from './client.js'
