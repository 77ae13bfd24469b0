/** @module addsvc's business surface: the Service interface, its factories and its domain errors. */
export { type ErrorCode, IntOverflowError, MaxSizeExceededError, TwoZeroesError, errors } from './errors.js'
export { instrumentingMiddleware, type Middleware } from './middleware.js'
export { type Deps, make, makeBasic, type Service } from './service.js'
