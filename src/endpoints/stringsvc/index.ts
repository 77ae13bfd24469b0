/** @module stringsvc's endpoint layer: request/response types, Endpoints, and the adapters between them and Service. */
export {
  type CountRequest,
  type CountResponse,
  type Deps,
  type Endpoints,
  make,
  makeCountEndpoint,
  makeUppercaseEndpoint,
  toService,
  toUppercase,
  type UppercaseRequest,
  type UppercaseResponse,
} from './endpoints.js'
