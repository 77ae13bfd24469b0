/**
 * Compile-time tests of the kit's bindings over the real addsvc Endpoints,
 * as test/types/exhaustive.ts does over the test-only echosvc: a binding of
 * any kind that leaves out sum or concat must not compile. Each
 * `@ts-expect-error` marks such a binding; should one compile, the directive
 * goes unused and `npm run typecheck` fails. Named after the service, so it
 * goes away with it. Typechecked, never run.
 */
import type { Msg } from '@nats-io/transport-node'
import type * as addendpoint from '../../src/endpoints/addsvc/index.js'
import { clients } from '../../src/kit/transport/clients.js'
import type * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import type * as kithttp from '../../src/kit/transport/http-server.js'
import type * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import type * as kitnats from '../../src/kit/transport/nats-server.js'
import type * as kitthrift from '../../src/kit/transport/thrift-server.js'
import * as addtransport from '../../src/transports/addsvc/index.js'

type E = addendpoint.Endpoints

declare const sumRoute: kithttp.Route<addendpoint.SumRequest>
declare const concatRoute: kithttp.Route<addendpoint.ConcatRequest>
declare const unary: kitgrpc.UnaryHandler
declare const rpc: kitjsonrpc.Method
declare const onMsg: (msg: Msg) => void
declare const thrift: kitthrift.Handler

const _routes = { sum: sumRoute, concat: concatRoute } satisfies kithttp.Routes<E>
// @ts-expect-error: Routes<E> without concat
const _routesMissing = { sum: sumRoute } satisfies kithttp.Routes<E>
// @ts-expect-error: Routes<E> binding concat's route to sum, whose request differs
const _routesSwapped = { sum: concatRoute, concat: concatRoute } satisfies kithttp.Routes<E>

const _grpc: kitgrpc.Implementation<E> = { Sum: unary, Concat: unary }
// @ts-expect-error: Implementation<E> without Concat
const _grpcMissing: kitgrpc.Implementation<E> = { Sum: unary }

const _jsonrpc: kitjsonrpc.Methods<E> = { sum: rpc, concat: rpc }
// @ts-expect-error: Methods<E> without concat
const _jsonrpcMissing: kitjsonrpc.Methods<E> = { sum: rpc }

const _nats = { sum: onMsg, concat: onMsg } satisfies kitnats.Handlers<E>
// @ts-expect-error: Handlers<E> without concat
const _natsMissing = { sum: onMsg } satisfies kitnats.Handlers<E>

const _thrift: kitthrift.Handlers<E> = { Sum: thrift, Concat: thrift }
// @ts-expect-error: Handlers<E> without Concat
const _thriftMissing: kitthrift.Handlers<E> = { Sum: thrift }

const { sum, concat } = addtransport.httpClient('http://127.0.0.1:8081')
const _client = (): E => ({ sum, concat })
// @ts-expect-error: a client of E without concat
const _clientMissing = (): E => ({ sum })
const _dial = clients<E>('addsvc', { 'http:': () => ({ sum, concat }) })
// @ts-expect-error: a dialled client of E without concat
const _dialMissing = clients<E>('addsvc', { 'http:': () => ({ sum }) })
