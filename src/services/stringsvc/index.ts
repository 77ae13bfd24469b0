/** @module stringsvc's business surface: the Service interface, its factories and its domain errors. */
export { EmptyStringError, type ErrorCode, errors } from './errors.js'
export { type Middleware, proxyingMiddleware } from './middleware.js'
export { type Deps, make, makeBasic, type Service } from './service.js'
