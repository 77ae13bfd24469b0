/**
 * echosvc is a test-only service in the example services' exact shape, in
 * one file: a Service, its domain error and error table, Endpoints made with
 * the standard policy, an HTTP binding through kithttp.plugin, an HTTP client
 * through the kit's client, and the scheme-dispatching client factory. The
 * kit's own tests (test/kit) run through it and never through an example, so
 * a fork that deletes the examples keeps the kit fully tested.
 *
 *   POST /echo        {"s": string} → 200 {"v": string}; "" → 400 EMPTY
 *   GET  /fail/:code  → the failure the code names, encoded as every service's are
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import type { Context } from '../../src/kit/context.js'
import type { Endpoint } from '../../src/kit/endpoint.js'
import {
  CircuitOpenError,
  DeadlineExceededError,
  DomainError,
  errorTable,
  KitError,
  RateLimitedError,
  UnavailableError,
} from '../../src/kit/errors.js'
import type { Logger } from '../../src/kit/log.js'
import { type ClientFactory, clients as byScheme } from '../../src/kit/transport/clients.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as kithttpc from '../../src/kit/transport/http-client.js'
import * as kithttp from '../../src/kit/transport/http-server.js'
import * as mw from '../../src/middleware/index.js'
import { log as nopLog, metrics, tracer } from './nop.js'

// The service: business logic only, as in src/services/<svc>.

/** EmptyError is echosvc's one business rule: there is nothing to echo. */
export class EmptyError extends DomainError {
  readonly code = 'EMPTY'
  constructor() {
    super('nothing to echo')
  }
}

/** ErrorCode is every code an echosvc method may fail with; the status table must cover it. */
export type ErrorCode = EmptyError['code']

/** errors is echosvc's code ↔ class table, through which its clients rebuild its domain errors. */
export const errors = errorTable<ErrorCode>({ EMPTY: EmptyError })

/** Service is what echosvc does. */
export interface Service {
  /** echo returns s. Fails with EmptyError when s is empty. */
  echo(ctx: Context, s: string): Promise<string>
  /**
   * fail fails with the error code names, so a test can make a real server
   * answer any failure: EmptyError for EMPTY, the kit's own error for
   * RATE_LIMITED, UNAVAILABLE, DEADLINE_EXCEEDED or CIRCUIT_OPEN, and a bug
   * (a plain Error, an opaque 500) for any other code.
   */
  fail(ctx: Context, code: string): Promise<never>
}

const kitFailures = new Map<string, () => KitError>([
  ['RATE_LIMITED', () => new RateLimitedError(2_500)],
  ['UNAVAILABLE', () => new UnavailableError('dependency unavailable')],
  ['DEADLINE_EXCEEDED', () => new DeadlineExceededError()],
  ['CIRCUIT_OPEN', () => new CircuitOpenError('echosvc.dependency')],
])

/** makeBasic returns echosvc's stateless implementation. */
export function makeBasic(): Service {
  return {
    async echo(_ctx, s) {
      if (s === '') throw new EmptyError()
      return s
    },
    async fail(_ctx, code) {
      throw errors.fromCode(code) ?? kitFailures.get(code)?.() ?? new Error(`echosvc has no failure named ${code}`)
    },
  }
}

// The endpoints: request and response types, one endpoint per method, the policy.

/** EchoRequest collects the request parameters for the Echo method. */
export interface EchoRequest {
  readonly s: string
}
/** EchoResponse collects the response values for the Echo method. */
export interface EchoResponse {
  readonly v: string
}
/** FailRequest names the failure the Fail method fails with. */
export interface FailRequest {
  readonly code: string
}
/** FailResponse is never produced: Fail always fails. */
export type FailResponse = never

/** Endpoints collects all of the endpoints that compose an echo service. */
export interface Endpoints {
  readonly echo: Endpoint<EchoRequest, EchoResponse>
  readonly fail: Endpoint<FailRequest, FailResponse>
}

/** makeEchoEndpoint constructs an Echo endpoint wrapping the service. */
export function makeEchoEndpoint(svc: Service): Endpoint<EchoRequest, EchoResponse> {
  return async (ctx, req) => ({ v: await svc.echo(ctx, req.s) })
}

/** makeFailEndpoint constructs a Fail endpoint wrapping the service. */
export function makeFailEndpoint(svc: Service): Endpoint<FailRequest, FailResponse> {
  return (ctx, req) => svc.fail(ctx, req.code)
}

/** Deps are the collaborators and per-method policy of echosvc's endpoints. */
export type Deps = mw.EndpointDeps<keyof Endpoints>

/** make returns Endpoints wrapping svc in the standard policy of middleware/standard.ts. */
export function make(svc: Service, deps: Deps): Endpoints {
  const policy = mw.standard<keyof Endpoints>('echosvc', deps)
  return {
    echo: policy('echo')(makeEchoEndpoint(svc)),
    fail: policy('fail')(makeFailEndpoint(svc)),
  }
}

/** toService adapts Endpoints to Service, so a remote client can stand in for the service. */
export function toService(e: Endpoints): Service {
  return {
    echo: async (ctx, s) => (await e.echo(ctx, { s })).v,
    fail: (ctx, code) => e.fail(ctx, { code }),
  }
}

/** endpoints returns the real endpoints over svc (default makeBasic()), with discarding log, metrics and tracer. */
export function endpoints(svc: Service = makeBasic(), limits?: Deps['limits']): Endpoints {
  return make(svc, { log: nopLog, duration: metrics.histogram, tracer, ...(limits === undefined ? {} : { limits }) })
}

// The HTTP transport: routes and status table, the client, the client factory.

/** statusByCode maps every echosvc domain error to an HTTP status. */
export const statusByCode = {
  EMPTY: 400,
} as const satisfies Record<ErrorCode, number>

const Failure = Type.Object({ error: Type.String(), code: Type.String() })
const EchoBody = Type.Object({ s: Type.String() }, { additionalProperties: false })
const FailParams = Type.Object({ code: Type.String({ pattern: '^[A-Z_]{1,40}$' }) })

/** routes binds every echosvc endpoint to its HTTP route; a method missing here fails typecheck. */
export const routes = {
  echo: {
    method: 'POST',
    url: '/echo',
    schema: { body: EchoBody, response: { 200: Type.Object({ v: Type.String() }), 400: Failure } },
    decode: (request: FastifyRequest<{ Body: Static<typeof EchoBody> }>) => ({ s: request.body.s }),
  },
  fail: {
    method: 'GET',
    url: '/fail/:code',
    schema: { params: FailParams },
    decode: (request: FastifyRequest<{ Params: Static<typeof FailParams> }>) => ({ code: request.params.code }),
  },
} satisfies kithttp.Routes<Endpoints>

/** httpRoutes returns a fastify plugin serving endpoints at POST /echo and GET /fail/:code. */
export function httpRoutes(e: Endpoints, log: Logger = nopLog): FastifyPluginAsync {
  return kithttp.plugin('echosvc', routes, e, { statusByCode, log })
}

/** decodeEchoResponse maps a 200 body to an EchoResponse. */
function decodeEchoResponse(body: unknown): EchoResponse {
  const { v } = body as { v?: unknown }
  if (typeof v !== 'string') throw new KitError('UPSTREAM_ERROR', 502, 'echosvc answered without a string v')
  return { v }
}

/** httpClient returns Endpoints that call the echosvc instance at baseUrl. Codecs only, no policy. */
export function httpClient(baseUrl: string, opts: kithttpc.CommonOptions = {}): Endpoints {
  const common = { ...opts, decodeError: errors.fromCode } as const
  return {
    echo: kithttpc.client({ ...common, method: 'POST', url: new URL('/echo', baseUrl), decode: decodeEchoResponse }),
    fail: kithttpc.client<FailRequest, FailResponse>({
      ...common,
      method: 'GET',
      url: (req) => new URL(`/fail/${encodeURIComponent(req.code)}`, baseUrl),
      route: 'GET /fail/{code}',
      encode: () => undefined,
      decode: () => {
        throw new KitError('UPSTREAM_ERROR', 502, 'echosvc answered fail with a success')
      },
    }),
  }
}

/** clients returns the scheme-dispatching factory for echosvc clients (http: and https:). */
export function clients(opts: kithttpc.CommonOptions = {}): ClientFactory<Endpoints> {
  const http = (url: URL): Endpoints => httpClient(url.href, opts)
  return byScheme<Endpoints>('echosvc', { 'http:': http, 'https:': http })
}

/** ServerOptions shape the public HTTP app a test serves echosvc on. */
export interface ServerOptions {
  readonly log?: Logger
  /** bodyLimit caps request bodies in bytes (default 1024). */
  readonly bodyLimit?: number
  /** docs serves /openapi.json and /docs (default false). */
  readonly docs?: boolean
}

/** server returns the kit's public HTTP app with echosvc registered on it, not yet listening, so a test can add hooks first. */
export async function server(e: Endpoints = endpoints(), opts: ServerOptions = {}): Promise<FastifyInstance> {
  const log = opts.log ?? nopLog
  const app = await httpApp({ log, bodyLimit: opts.bodyLimit ?? 1024, title: 'echosvc', version: '0', docs: opts.docs ?? false })
  await app.register(httpRoutes(e, log))
  return app
}
