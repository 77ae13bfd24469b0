/**
 * A tiny test-only service for the kit's own tests (authentication, limits
 * per client), so they do not depend on an example service a fork may
 * delete. Two methods, read and write, answer with the subject and peer
 * their Context carried and count the calls that reached them; the test
 * chooses the policy (EndpointDeps: which methods authenticate, the
 * per-client limit). Each transport binding is the kit's generic one:
 * HTTP (kithttp.plugin), gRPC (kitgrpc.unary, JSON-encoded messages),
 * JSON-RPC (kitjsonrpc.method) and NATS (kitnats.handler).
 */
import * as grpc from '@grpc/grpc-js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Endpoint } from '../../src/kit/endpoint.js'
import * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as kithttp from '../../src/kit/transport/http-server.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
import { BadRequestError } from '../../src/kit/transport/wire.js'
import * as mw from '../../src/middleware/index.js'
import { log, metrics, tracer } from './nop.js'

/** EchoRequest is what both methods take. */
export interface EchoRequest {
  readonly msg: string
}
/** EchoResponse tells what reached the service: the message, the caller's subject and address. */
export interface EchoResponse {
  readonly msg: string
  readonly sub: string
  readonly peer: string
}
/** Endpoints are the echo service's two methods. */
export interface Endpoints {
  readonly read: Endpoint<EchoRequest, EchoResponse>
  readonly write: Endpoint<EchoRequest, EchoResponse>
}
/** Echo is the service's endpoints and the count of calls that reached each method. */
export interface Echo {
  readonly endpoints: Endpoints
  readonly calls: { read: number; write: number }
}

/** echo builds the service under the standard policy with the test's auth and per-client limit. */
export function echo(policy: Pick<mw.EndpointDeps<keyof Endpoints>, 'auth' | 'clientLimit'> = {}): Echo {
  const calls = { read: 0, write: 0 }
  const method =
    (name: keyof Endpoints): Endpoint<EchoRequest, EchoResponse> =>
    async (ctx, req) => {
      calls[name]++
      return { msg: req.msg, sub: ctx.claims?.sub ?? '', peer: ctx.peer ?? '' }
    }
  const standard = mw.standard<keyof Endpoints>('echo', { log, duration: metrics.histogram, tracer, ...policy })
  return { calls, endpoints: { read: standard('read')(method('read')), write: standard('write')(method('write')) } }
}

/** decode checks a message body on the transports without a schema. */
function decode(body: unknown): EchoRequest {
  const msg = (body as { msg?: unknown } | null)?.msg
  if (typeof msg !== 'string') throw new BadRequestError('msg must be a string')
  return { msg }
}

const schema = {
  body: { type: 'object', required: ['msg'], additionalProperties: false, properties: { msg: { type: 'string' } } },
  response: { 200: { type: 'object', properties: { msg: { type: 'string' }, sub: { type: 'string' }, peer: { type: 'string' } } } },
} as const
const route = (url: string): kithttp.Route<EchoRequest> => ({
  method: 'POST',
  url,
  schema,
  decode: (r: FastifyRequest) => decode(r.body),
})

/** httpServer serves POST /read and POST /write on a free loopback port, with security documented in /openapi.json. */
export async function httpServer(e: Endpoints, security: kithttp.Security = {}): Promise<FastifyInstance> {
  const app = await httpApp({ log, bodyLimit: 4096, title: 'echo', version: '0' })
  await app.register(kithttp.plugin('echo', { read: route('/read'), write: route('/write') }, e, { statusByCode: {}, log, security }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}

/** json is a gRPC (de)serializer pair for JSON messages, so the test needs no .proto file. */
const toJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v))
const fromJson = (b: Buffer): unknown => JSON.parse(b.toString('utf8'))

/** grpcMethod is /echo.Echo/<Name>: the server side decodes to kitgrpc's Decoded, the client side plain JSON. */
function grpcMethod(name: string): grpc.MethodDefinition<EchoRequest, EchoResponse> {
  return {
    path: `/echo.Echo/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: toJson,
    requestDeserialize: (b) => ({ ok: true, msg: fromJson(b) }) as unknown as EchoRequest,
    responseSerialize: toJson,
    responseDeserialize: (b) => fromJson(b) as EchoResponse,
  }
}

/** grpcDefinition is the echo service's gRPC definition, for servers and clients. */
export const grpcDefinition = { Read: grpcMethod('Read'), Write: grpcMethod('Write') }

/** grpcServer serves the echo service over gRPC on a free loopback port. */
export async function grpcServer(e: Endpoints): Promise<{ server: grpc.Server; port: number }> {
  const opts = { log, tracer, statusByCode: {} }
  const codec = { decode, encode: (r: EchoResponse) => r }
  const server = new grpc.Server()
  server.addService(grpcDefinition, {
    Read: kitgrpc.unary('/echo.Echo/Read', e.read, codec, opts),
    Write: kitgrpc.unary('/echo.Echo/Write', e.write, codec, opts),
  } satisfies kitgrpc.Implementation<Endpoints>)
  const port = await kitgrpc.listen(server, '127.0.0.1', 0)
  return { server, port }
}

/** jsonrpcServer serves methods read and write over JSON-RPC on a free loopback port. */
export async function jsonrpcServer(e: Endpoints): Promise<{ server: ReturnType<typeof kitjsonrpc.jsonrpcServer>; port: number }> {
  const methods: kitjsonrpc.Methods<Endpoints> = { read: kitjsonrpc.method(e.read, decode), write: kitjsonrpc.method(e.write, decode) }
  const server = kitjsonrpc.jsonrpcServer({ methods, log, tracer, bodyLimit: 4096 })
  const port = await kitjsonrpc.listen(server, '127.0.0.1', 0)
  return { server, port }
}

/** natsHandlers binds read and write to NATS subjects <prefix>.read and <prefix>.write. */
export function natsHandlers(e: Endpoints): kitnats.Handlers<Endpoints> {
  const opts = { log, tracer, statusByCode: {} }
  return {
    read: kitnats.handler('echo.read', e.read, decode, opts),
    write: kitnats.handler('echo.write', e.write, decode, opts),
  }
}
