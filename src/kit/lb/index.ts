/** @module Load balancing: balancers, retry, and balance over a whole Endpoints record. */
export { balance, type BalanceOptions, type EndpointRecord } from './balance.js'
export { type Balancer, NoEndpointsError, random, roundRobin, type Source } from './balancer.js'
export { isFault, isUnsent, retry, RetryError, type RetryOptions } from './retry.js'
