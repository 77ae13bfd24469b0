/**
 * The services this build knows, in the order main builds them: the one
 * list that config, main, migrate, the tests and the benchmark read, so that
 * adding or removing a service touches one entry here and one stanza in
 * main.ts. It is plain data (type-only imports), because config and the
 * telemetry preload read it before any library loads. Each entry says what
 * configuration the service takes:
 *
 *   <NAME>_URL            where it lives when this process does not host it
 *   <METHOD>_RATE_LIMIT   requests per second, for each method in limits
 *   the lists             extra comma-separated URL lists (stringsvc's peers)
 *
 * and how its clients may reach it (schemes) and retry it (idempotent).
 */
//#region addsvc imports
import type * as addendpoint from './endpoints/addsvc/index.js'
//#endregion addsvc imports
//#region stringsvc imports
import type * as stringendpoint from './endpoints/stringsvc/index.js'
//#endregion stringsvc imports
//#region profilesvc imports
import type * as profileendpoint from './endpoints/profilesvc/index.js'
//#endregion profilesvc imports

/** project names this application; `npm run rename` changes it, and the toolkit (src/kit) keeps its own name, tskit. */
export const project = {
  /** name is the application's name: OpenAPI title, NATS client names, the image. */
  name: 'tskit-app',
  /** metricsPrefix starts every metric name this application registers ('' for none). */
  metricsPrefix: '',
} as const

/** ServiceSpec is what the registry says about one service. */
export interface ServiceSpec<Method extends string = string> {
  /** schemes are the URL schemes <NAME>_URL may use, as the service's transports/<name>/client.ts dials them. */
  readonly schemes: readonly string[]
  /** limits lists the rate-limited methods; each reads <METHOD>_RATE_LIMIT (requests per second). */
  readonly limits: readonly Method[]
  /** idempotent lists the methods a client may retry after a call may have reached an instance; others retry only unsent calls. */
  readonly idempotent: readonly Method[]
  /** database is true when the service keeps data in PostgreSQL, migrated from migrations/<name>/. */
  readonly database: boolean
  /** lists maps a setting to the environment variable holding a comma-separated list of URLs. */
  readonly lists: Readonly<Record<string, string>>
}

/** services is every service of this build, in build order. */
export const services = {
  //#region addsvc
  addsvc: {
    schemes: ['http:', 'https:', 'jsonrpc+http:', 'jsonrpc+https:', 'grpc:', 'nats:', 'thrift:'],
    limits: ['sum', 'concat'],
    idempotent: ['sum', 'concat'],
    database: false,
    lists: {},
  } satisfies ServiceSpec<keyof addendpoint.Endpoints>,
  //#endregion addsvc
  //#region stringsvc
  stringsvc: {
    schemes: ['http:', 'https:'],
    limits: ['uppercase', 'count'],
    idempotent: ['uppercase', 'count'],
    database: false,
    // STRINGSVC_PROXY: the peers Uppercase is proxied to (Go kit stringsvc3's -proxy).
    lists: { proxy: 'STRINGSVC_PROXY' },
  } satisfies ServiceSpec<keyof stringendpoint.Endpoints>,
  //#endregion stringsvc
  //#region profilesvc
  profilesvc: {
    schemes: ['http:', 'https:'],
    // Go kit's profilesvc has no rate limit, and the database pool bounds the work in flight.
    limits: [],
    // Reads, and PUT (create or replace), may be retried; a POST or DELETE that may have landed may not.
    idempotent: ['getProfile', 'getAddresses', 'getAddress', 'putProfile'],
    database: true,
    lists: {},
  } satisfies ServiceSpec<keyof profileendpoint.Endpoints>,
  //#endregion profilesvc
} as const

/** ServiceName names a service this build can host or reach. */
export type ServiceName = keyof typeof services

/** serviceNames lists every service, in the order main builds them. */
export const serviceNames = Object.keys(services) as ServiceName[]
