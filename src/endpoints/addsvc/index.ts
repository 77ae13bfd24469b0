/** @module addsvc's endpoint layer: request/response types, Endpoints, and the adapters between them and Service. */
export {
  type ConcatRequest,
  type ConcatResponse,
  type Deps,
  type Endpoints,
  make,
  makeConcatEndpoint,
  makeSumEndpoint,
  type SumRequest,
  type SumResponse,
  toService,
} from './endpoints.js'
