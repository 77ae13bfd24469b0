/**
 * Compile-time tests of the kit's bindings, over the test-only echosvc's
 * Endpoints: every binding kind (HTTP routes, gRPC implementation, JSON-RPC
 * methods, NATS handlers, Thrift handlers, a client returning Endpoints) is
 * typed over the whole record, so a binding that leaves a method out, or
 * binds one that does not exist, does not compile. Each `@ts-expect-error`
 * marks such a binding: if a binding type ever stops being exhaustive, the
 * directive goes unused and `npm run typecheck` fails. The complete binding
 * beside each proves the error is the missing method and nothing else. This
 * file is typechecked (tsconfig.json includes test/), never run.
 */
import type { Msg } from '@nats-io/transport-node'
import { clients } from '../../src/kit/transport/clients.js'
import type * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import * as kithttpc from '../../src/kit/transport/http-client.js'
import type * as kithttp from '../../src/kit/transport/http-server.js'
import type * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import type * as kitnats from '../../src/kit/transport/nats-server.js'
import type * as kitthrift from '../../src/kit/transport/thrift-server.js'
import * as echosvc from '../helpers/echosvc.js'

type E = echosvc.Endpoints

declare const unary: kitgrpc.UnaryHandler
declare const rpc: kitjsonrpc.Method
declare const onMsg: (msg: Msg) => void
declare const thrift: kitthrift.Handler

const { echo, fail } = echosvc.routes
const _routes = { echo, fail } satisfies kithttp.Routes<E>
// @ts-expect-error: Routes<E> without fail
const _routesMissing = { echo } satisfies kithttp.Routes<E>
// @ts-expect-error: Routes<E> with a route for a method E does not have
const _routesExtra = { echo, fail, shout: echo } satisfies kithttp.Routes<E>

const _grpc: kitgrpc.Implementation<E> = { Echo: unary, Fail: unary }
// @ts-expect-error: Implementation<E> without Fail
const _grpcMissing: kitgrpc.Implementation<E> = { Echo: unary }
// @ts-expect-error: Implementation<E> keyed by the endpoint's own name rather than the capitalized gRPC method
const _grpcLower: kitgrpc.Implementation<E> = { Echo: unary, fail: unary }

const _jsonrpc: kitjsonrpc.Methods<E> = { echo: rpc, fail: rpc }
// @ts-expect-error: Methods<E> without fail
const _jsonrpcMissing: kitjsonrpc.Methods<E> = { echo: rpc }
// @ts-expect-error: Methods<E> with a method E does not have
const _jsonrpcExtra: kitjsonrpc.Methods<E> = { echo: rpc, fail: rpc, shout: rpc }

const _nats = { echo: onMsg, fail: onMsg } satisfies kitnats.Handlers<E>
// @ts-expect-error: Handlers<E> without fail
const _natsMissing = { echo: onMsg } satisfies kitnats.Handlers<E>
// @ts-expect-error: Handlers<E> with a subject E does not have
const _natsExtra = { echo: onMsg, fail: onMsg, shout: onMsg } satisfies kitnats.Handlers<E>

const _thrift: kitthrift.Handlers<E> = { Echo: thrift, Fail: thrift }
// @ts-expect-error: Handlers<E> without Fail
const _thriftMissing: kitthrift.Handlers<E> = { Echo: thrift }
// @ts-expect-error: Handlers<E> with a method E does not have
const _thriftExtra: kitthrift.Handlers<E> = { Echo: thrift, Fail: thrift, Shout: thrift }

const remote = (url: string) => echosvc.httpClient(url)
const say = kithttpc.client<echosvc.EchoRequest, echosvc.EchoResponse>({ method: 'POST', url: new URL('http://127.0.0.1/echo'), decodeError: echosvc.errors.fromCode })
const _client = (url: string): E => ({ echo: say, fail: remote(url).fail })
// @ts-expect-error: a client of E without fail
const _clientMissing = (): E => ({ echo: say })
const _dial = clients<E>('echosvc', { 'http:': (url) => ({ echo: say, fail: remote(url.href).fail }) })
// @ts-expect-error: a dialled client of E without fail
const _dialMissing = clients<E>('echosvc', { 'http:': () => ({ echo: say }) })
