/** @module addsvc's transports: the HTTP routes and the HTTP client, each codecs only. */
export { decodeConcatRequest, decodeSumRequest, httpRoutes, statusByCode } from './http.js'
export { httpClient } from './http-client.js'
