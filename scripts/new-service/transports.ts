/**
 * The transport layer of a generated service, in the examples' shape
 * (compare the examples' transports folders): HTTP (with schemas, so it is in
 * /openapi.json and /docs), JSON-RPC, NATS and gRPC, server and client each,
 * and clients() picking a client by URL scheme. Every binding is a mapped
 * type over the Endpoints keys, so a method missing on any transport fails
 * typecheck. Thrift is not generated: it carries one service per port, and
 * addsvc holds THRIFT_PORT.
 */
import type { MethodNames, ServiceNames } from '../lib/names.js'
import { each, type Files } from './layers.js'

/** schemes are the client schemes a generated service's clients() dials, as the registry lists them. */
export const schemes = ['http:', 'https:', 'jsonrpc+http:', 'jsonrpc+https:', 'grpc:', 'nats:'] as const

/** transportLayer renders src/transports/<name>/. */
export function transportLayer(s: ServiceNames, methods: readonly MethodNames[]): Files {
  const dir = `src/transports/${s.name}`
  const pkg = s.name
  const svc = s.name[0]?.toUpperCase() + s.name.slice(1)
  return {
    [`${dir}/http.ts`]: `/**
 * ${s.name} over HTTP:
 *
${each(methods, (m) => ` *   POST /${s.name}/${m.kebab}  {"s": string} → 200 {"v": string}`)}
 *   failures → {"error": message, "code": CODE}, status from statusByCode
 *
 * The schemas validate the body (fastify answers 400 naming the field) and
 * give both the TypeScript request types and the OpenAPI document.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { type Static, type TSchema, Type } from 'typebox'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Logger } from '../../kit/log.js'
import * as kithttp from '../../kit/transport/http-server.js'
import type * as ${s.service} from '../../services/${s.name}/index.js'

/** statusByCode maps every ${s.name} domain error to a status; the NATS and gRPC bindings use it too. */
export const statusByCode = {
  EMPTY_INPUT: 400,
} as const satisfies Record<${s.service}.ErrorCode, number>

const Failure = Type.Object({ error: Type.String(), code: Type.String() })
const Input = Type.Object({ s: Type.String() }, { additionalProperties: false })
const Output = Type.Object({ v: Type.String() })
type InputRequest = FastifyRequest<{ Body: Static<typeof Input> }>

/** routes binds every ${s.name} endpoint to its HTTP route; a method missing here fails typecheck. */
const routes = {
${each(methods, (m) => `  ${m.name}: {
    method: 'POST',
    url: '/${s.name}/${m.kebab}',
    schema: { summary: '${m.name} (placeholder)', body: Input, response: { 200: Output, 400: Failure } },
    decode: (request: InputRequest) => ({ s: request.body.s }),
  },`)}
} satisfies kithttp.Routes<${s.endpoint}.Endpoints>

/** requests lists each endpoint request's fields in order, with their schemas, for requests built by hand (src/cli.ts); here the body is the request. */
export const requests = {
${each(methods, (m) => `  ${m.name}: Input.properties,`)}
} satisfies Record<keyof ${s.endpoint}.Endpoints, Readonly<Record<string, TSchema>>>

/** httpRoutes returns a fastify plugin serving endpoints at POST /${s.name}/<method>. */
export function httpRoutes(endpoints: ${s.endpoint}.Endpoints, log: Logger): FastifyPluginAsync {
  return kithttp.plugin('${s.name}', routes, endpoints, { statusByCode, log })
}
`,
    [`${dir}/http-client.ts`]: `/**
 * httpClient calls a remote ${s.name} over HTTP. Codecs only: no breaker, no
 * retry, no rate limit; the consumer adds policy in main, through kit/lb.
 * Returning Endpoints makes it exhaustive: a method missing here fails typecheck.
 */
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import * as kithttpc from '../../kit/transport/http-client.js'
import * as ${s.service} from '../../services/${s.name}/index.js'

/** httpClient returns Endpoints that call the ${s.name} instance at baseUrl. */
export function httpClient(baseUrl: string, opts: kithttpc.CommonOptions = {}): ${s.endpoint}.Endpoints {
  const common = { ...opts, method: 'POST', decodeError: ${s.service}.errors.fromCode } as const
  return {
${each(methods, (m) => `    ${m.name}: kithttpc.client({ ...common, url: new URL('/${s.name}/${m.kebab}', baseUrl) }),`)}
  }
}
`,
    [`${dir}/codec.ts`]: `/**
 * ${s.name}'s request bodies as plain JSON values, for the transports that
 * have no schema validator of their own (JSON-RPC params, NATS messages): the
 * decoder checks the shape the HTTP schemas enforce ({s: string}, no other
 * field) and throws BadRequestError naming the field, so every transport
 * refuses the same inputs with the same words.
 */
import { KitError } from '../../kit/errors.js'
import { type Folder, keyFolder } from '../../kit/transport/json-keys.js'
import { BadRequestError } from '../../kit/transport/wire.js'

// Keys match as Go's encoding/json matches them ({"S": …} is {"s": …}), as over HTTP.
const foldInput = keyFolder({ type: 'object', properties: { s: {} } }) as Folder

/** decodeInput maps a JSON value to a request {s}; where names it in errors ("params", "message"). */
export function decodeInput(raw: unknown, where: string): { readonly s: string } {
  const body = foldInput(raw, where)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError(\`\${where} must be an object {s}\`)
  for (const key of Object.keys(body)) if (key !== 's') throw new BadRequestError(\`\${where} must not have property '\${key}'\`)
  const { s } = body as { s?: unknown }
  if (s === undefined) throw new BadRequestError(\`\${where} must have required property 's'\`)
  if (typeof s !== 'string') throw new BadRequestError(\`\${where}.s must be a string\`)
  return { s }
}

/** decodeOutput maps a JSON result {v} to a response; anything else is the server's fault (502). */
export function decodeOutput(body: unknown): { readonly v: string } {
  const v = (body as { v?: unknown } | null)?.v
  if (typeof v !== 'string') throw new KitError('UPSTREAM_ERROR', 502, 'result must be {v: string}')
  return { v }
}
`,
    [`${dir}/jsonrpc.ts`]: `/**
 * ${s.name} over JSON-RPC 2.0 on HTTP, on the JSON-RPC listener
 * (JSONRPC_PORT) it shares with every hosted service:
 *
${each(methods, (m) => ` *   ${m.name}  params {"s": string} → result {"v": string}`)}
 *   errors   -32602 invalid params (names the field); -32000 business error
 *            with {"code": CODE} in data; -32001 kit failure
 */
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import * as kitjsonrpc from '../../kit/transport/jsonrpc-server.js'
import { decodeInput } from './codec.js'

/** jsonrpcMethods returns every endpoint as a JSON-RPC method of the same name; a method missing here fails typecheck. */
export function jsonrpcMethods(endpoints: ${s.endpoint}.Endpoints): kitjsonrpc.Methods<${s.endpoint}.Endpoints> {
  const params = (p: unknown) => decodeInput(p, 'params')
  return {
${each(methods, (m) => `    ${m.name}: kitjsonrpc.method(endpoints.${m.name}, params),`)}
  }
}
`,
    [`${dir}/jsonrpc-client.ts`]: `/**
 * jsonrpcClient calls ${s.name}'s JSON-RPC methods over HTTP: codecs only.
 */
import type { Dispatcher } from 'undici'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitjsonrpcc from '../../kit/transport/jsonrpc-client.js'
import * as ${s.service} from '../../services/${s.name}/index.js'
import { decodeOutput } from './codec.js'

/** JsonrpcClientOptions are the optional collaborators of a JSON-RPC client. */
export interface JsonrpcClientOptions {
  readonly tracer?: Tracer
  readonly dispatcher?: Dispatcher
}

/** jsonrpcClient returns Endpoints that call the ${s.name} JSON-RPC listener at url (http://host:port). */
export function jsonrpcClient(url: string, opts: JsonrpcClientOptions = {}): ${s.endpoint}.Endpoints {
  const common = { ...opts, url: new URL(url), decodeError: ${s.service}.errors.fromCode, decode: decodeOutput }
  return {
${each(methods, (m) => `    ${m.name}: kitjsonrpcc.client({ ...common, method: '${m.name}' }),`)}
  }
}
`,
    [`${dir}/nats.ts`]: `/**
 * ${s.name} over NATS request/reply, subjects ${s.name}.<method>, served in
 * the queue group "${s.name}" so that instances share the load:
 *
${each(methods, (m) => ` *   ${s.name}.${m.name}  {"s": string} → {"v": string}`)}
 *   failures → {"error": message, "code": CODE} with headers
 *              Nats-Service-Error / Nats-Service-Error-Code (status)
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitnats from '../../kit/transport/nats-server.js'
import { decodeInput } from './codec.js'
import { statusByCode } from './http.js'

/** NatsDeps are what the NATS handlers need besides the endpoints. */
export interface NatsDeps {
  readonly log: Logger
  readonly tracer: Tracer
  /** prefix starts every subject and names the queue group (default "${s.name}"). */
  readonly prefix?: string
}

/** natsServer subscribes a handler per method; the handler table has every method of Endpoints, or it fails typecheck. */
export function natsServer(nc: NatsConnection, endpoints: ${s.endpoint}.Endpoints, deps: NatsDeps): Subscription[] {
  const prefix = deps.prefix ?? '${s.name}'
  const opts = { log: deps.log, tracer: deps.tracer, statusByCode }
  const message = (body: unknown) => decodeInput(body, 'message')
  const handlers = {
${each(methods, (m) => `    ${m.name}: kitnats.handler(\`nats \${prefix}.${m.name}\`, endpoints.${m.name}, message, opts),`)}
  } satisfies kitnats.Handlers<${s.endpoint}.Endpoints>
  return kitnats.subscribe(nc, prefix, handlers)
}
`,
    [`${dir}/nats-client.ts`]: `/**
 * natsClient calls ${s.name} over NATS request/reply: codecs only. Any
 * instance in the queue group answers.
 */
import type { NatsConnection } from '@nats-io/transport-node'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitnatsc from '../../kit/transport/nats-client.js'
import * as ${s.service} from '../../services/${s.name}/index.js'
import { decodeOutput } from './codec.js'

/** NatsClientOptions are the optional collaborators of a NATS client. */
export interface NatsClientOptions {
  /** prefix starts the subjects (default "${s.name}"). */
  readonly prefix?: string
  readonly tracer?: Tracer
}

/** natsClient returns Endpoints that call ${s.name} through nc (or the connection nc will be). */
export function natsClient(nc: NatsConnection | Promise<NatsConnection>, opts: NatsClientOptions = {}): ${s.endpoint}.Endpoints {
  const prefix = opts.prefix ?? '${s.name}'
  const common = { nc, decodeError: ${s.service}.errors.fromCode, decode: decodeOutput, ...(opts.tracer ? { tracer: opts.tracer } : {}) }
  return {
${each(methods, (m) => `    ${m.name}: kitnatsc.client({ ...common, subject: \`\${prefix}.${m.name}\` }),`)}
  }
}
`,
    [`${dir}/${s.name}.proto`]: `// ${s.name} over gRPC: one unary method per service method. A business error
// travels in the reply's err field with status OK; a fault is a gRPC status.
syntax = "proto3";

package ${pkg};

service ${svc} {
${each(methods, (m) => `  rpc ${m.pascal} (${m.pascal}Request) returns (${m.pascal}Reply) {}`)}
}
${each(methods, (m) => `
message ${m.pascal}Request {
  string s = 1;
}

message ${m.pascal}Reply {
  string v = 1;
  string err = 2;
}`, '')}
`,
    [`${dir}/pb.ts`]: `/**
 * ${s.name}'s protobuf messages (${s.name}.proto) as proto-loader gives and
 * takes them, and the service definition: what the gRPC server (grpc.ts)
 * and client (grpc-client.ts) share, so the client loads nothing of the
 * server side.
 */
import { fileURLToPath } from 'node:url'
import type { ServiceDefinition } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'

/** Input is every request message: {s}. */
export interface Input { readonly s: string }
/** Output is every reply message: {v, err}. */
export interface Output { readonly v: string; readonly err: string }

/** definition loads ${s.name}.proto (shipped beside this file by the build) as the ${pkg}.${svc} service definition. */
export function definition(): ServiceDefinition {
  const pkg = loadSync(fileURLToPath(new URL('./${s.name}.proto', import.meta.url)), { longs: String, defaults: true, enums: String })
  return pkg['${pkg}.${svc}'] as ServiceDefinition
}
`,
    [`${dir}/grpc.ts`]: `/**
 * ${s.name} over gRPC (${s.name}.proto, beside this file):
 *
${each(methods, (m) => ` *   /${pkg}.${svc}/${m.pascal}  {s} → {v, err}`)}
 *   business error → reply with err = message, status OK, x-error-code trailer
 *   fault          → gRPC status with x-error-code
 */
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitgrpc from '../../kit/transport/grpc-server.js'
import { strictService } from '../../kit/transport/protobuf.js'
import { statusByCode } from './http.js'
import { definition, type Input, type Output } from './pb.js'

/** GrpcDeps are what the gRPC server needs besides the endpoints. */
export interface GrpcDeps {
  readonly log: Logger
  readonly tracer: Tracer
}

/** grpcServer returns ${pkg}.${svc} served by endpoints; the implementation has every method of Endpoints, or it fails typecheck. */
export function grpcServer(endpoints: ${s.endpoint}.Endpoints, deps: GrpcDeps): kitgrpc.Service {
  const opts = { ...deps, statusByCode }
  const codec = {
    decode: (msg: Input) => ({ s: msg.s }),
    encode: (res: { readonly v: string }): Output => ({ v: res.v, err: '' }),
    encodeDomainError: (err: Error): Output => ({ v: '', err: err.message }),
  }
  const implementation: kitgrpc.Implementation<${s.endpoint}.Endpoints> = {
${each(methods, (m) => `    ${m.pascal}: kitgrpc.unary('/${pkg}.${svc}/${m.pascal}', endpoints.${m.name}, codec, opts),`)}
  }
  return { definition: strictService(definition()), implementation }
}
`,
    [`${dir}/grpc-client.ts`]: `/**
 * grpcClient calls a remote ${s.name} over gRPC: codecs only. A business
 * error comes back in the reply's err field and is rebuilt as the same
 * class, from the x-error-code trailer or from its message.
 */
import { Client, credentials, type MethodDefinition } from '@grpc/grpc-js'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitgrpcc from '../../kit/transport/grpc-client.js'
import * as ${s.service} from '../../services/${s.name}/index.js'
import { definition, type Input, type Output } from './pb.js'

/** GrpcClient is Endpoints over one channel, which close releases. */
export interface GrpcClient extends ${s.endpoint}.Endpoints {
  close(): void
}

/** grpcClient returns Endpoints that call the ${s.name} instance at target ("host:port"). */
export function grpcClient(target: string, opts: { readonly tracer?: Tracer } = {}): GrpcClient {
  const def = definition()
  const channel = new Client(target, credentials.createInsecure())
  const common = {
    channel,
    decodeError: ${s.service}.errors.fromCode,
    codeOfMessage: (m: string) => ${s.service}.errors.fromMessage(m)?.code,
    encode: (req: { readonly s: string }): Input => ({ s: req.s }),
    decode: (reply: Output) => ({ v: reply.v }),
    replyError: (reply: Output) => reply.err,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
  }
  return {
${each(methods, (m) => `    ${m.name}: kitgrpcc.unary({ ...common, method: def.${m.pascal} as MethodDefinition<Input, Output> }),`)}
    close: () => channel.close(),
  }
}
`,
    [`${dir}/client.ts`]: `/**
 * clients picks ${s.name}'s client transport from an instance URL's scheme,
 * so ${s.env}_URL alone decides how a consumer reaches a remote ${s.name}:
 *
 *   http://host:port (or host:port)      HTTP, POST /${s.name}/<method>
 *   jsonrpc+http://host:port             JSON-RPC 2.0 over HTTP
 *   grpc://host:port                     gRPC, ${pkg}.${svc}
 *   nats://host:port[/prefix]            NATS request/reply on <prefix>.<method>
 *
 * Each returns the same Endpoints with the same error classes and a client
 * span per call when tracing is on; main hands it to lb.balance, which adds
 * the policy. close() releases the channels and connections it opened.
 */
import type { Dispatcher } from 'undici'
import type * as ${s.endpoint} from '../../endpoints/${s.name}/index.js'
import { type ClientFactory, clients as byScheme, type Dial } from '../../kit/transport/clients.js'
import { connections } from '../../kit/transport/nats-client.js'
import type { Tracer } from '../../kit/tracing.js'
import { grpcClient } from './grpc-client.js'
import { httpClient } from './http-client.js'
import { jsonrpcClient } from './jsonrpc-client.js'
import { natsClient } from './nats-client.js'

export type { ClientFactory } from '../../kit/transport/clients.js'

/** ClientOptions are the collaborators shared by every client the factory makes. */
export interface ClientOptions {
  readonly tracer?: Tracer
  /** dispatcher is the undici pool for HTTP and JSON-RPC instances (default: undici's global agent). */
  readonly dispatcher?: Dispatcher
}

/** schemes lists the URL schemes ${s.env}_URL may use; the registry lists the same. */
export const schemes = ${JSON.stringify(schemes).replace(/"/g, "'").replace(/,/g, ', ')} as const

/** clients returns the scheme-dispatching factory for ${s.name} clients. */
export function clients(opts: ClientOptions = {}): ClientFactory<${s.endpoint}.Endpoints> {
  const nats = connections('${s.name}-client')
  let natsOpened = false
  const http = (url: URL): ${s.endpoint}.Endpoints => httpClient(url.href, opts)
  const jsonrpc = (url: URL): ${s.endpoint}.Endpoints => jsonrpcClient(url.href.replace(/^jsonrpc\\+/, ''), opts)
  const dials: Readonly<Record<(typeof schemes)[number], Dial<${s.endpoint}.Endpoints>>> = {
    'http:': http,
    'https:': http,
    'jsonrpc+http:': jsonrpc,
    'jsonrpc+https:': jsonrpc,
    'grpc:': (url, onClose) => {
      const c = grpcClient(url.host, opts)
      onClose(() => c.close())
      return c
    },
    'nats:': (url, onClose) => {
      if (!natsOpened) onClose(() => nats.close())
      natsOpened = true
      const prefix = url.pathname.replace(/^\\/+|\\/+$/g, '') || '${s.name}'
      return natsClient(nats.get(url.host), { prefix, ...(opts.tracer ? { tracer: opts.tracer } : {}) })
    },
  }
  return byScheme('${s.name}', dials)
}
`,
    [`${dir}/index.ts`]: `/** @module ${s.name}'s transports: HTTP, JSON-RPC, NATS and gRPC, server and client each, codecs only; clients picks a client by URL scheme. */
export { httpRoutes, requests, statusByCode } from './http.js'
export { httpClient } from './http-client.js'
export { type ClientFactory, type ClientOptions, clients, schemes } from './client.js'
export { type GrpcDeps, grpcServer } from './grpc.js'
export { type GrpcClient, grpcClient } from './grpc-client.js'
export { jsonrpcMethods } from './jsonrpc.js'
export { type JsonrpcClientOptions, jsonrpcClient } from './jsonrpc-client.js'
export { type NatsDeps, natsServer } from './nats.js'
export { type NatsClientOptions, natsClient } from './nats-client.js'
`,
  }
}
