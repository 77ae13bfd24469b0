/**
 * addsvc over Thrift, Go kit's wire format (addsvc/thrift/addsvc.thrift,
 * kept here as addsvc.thrift), on its own listener (THRIFT_PORT):
 *
 *   AddService.Sum(1: i64 a, 2: i64 b)           → SumReply {1: i64 value, 2: string err}
 *   AddService.Concat(1: string a, 2: string b)  → ConcatReply {1: string value, 2: string err}
 *   business error  → reply with err = message (Go kit's), value 0 or ''
 *   fault           → TApplicationException: PROTOCOL_ERROR for a refused
 *                     argument (an i64 beyond ±(2^53-1)), INTERNAL_ERROR for
 *                     the rest (rate limited, circuit open…), the message
 *                     naming the code: "RATE_LIMITED (429): rate limit exceeded"
 *
 * Binary protocol on a plain, unframed socket by default, as Go kit's addsvc;
 * compact and JSON protocols and framing are options that both peers must
 * share. The structs are coded by hand over the thrift library's protocols
 * (see kit/transport/thrift-codec.ts); thrift-gen/ holds the compiler's
 * version, which the tests use as an independent peer.
 */
import type { Server } from 'node:net'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import type { Wire } from '../../kit/transport/thrift-codec.js'
import * as kitthrift from '../../kit/transport/thrift-server.js'
import { statusByCode } from './http.js'
import { ConcatArgs, ConcatReply, SumArgs, SumReply } from './thrift-structs.js'

/** ThriftDeps are what the Thrift listener needs besides the endpoints. */
export interface ThriftDeps {
  readonly log: Logger
  readonly tracer: Tracer
  /** wire is THRIFT_PROTOCOL, THRIFT_FRAMED and THRIFT_BUFFERED. */
  readonly wire: Wire
  /** maxMessageBytes bounds one call (e.g. BODY_LIMIT; default 1 MiB). */
  readonly maxMessageBytes?: number
}

/** thriftServer returns a node:net server (not yet listening) serving AddService (Go kit's NewThriftServer). */
export function thriftServer(endpoints: addendpoint.Endpoints, deps: ThriftDeps): Server {
  const opts = { log: deps.log, tracer: deps.tracer, statusByCode }
  // Keyed like Endpoints (sum is served as Sum), so a method the binding forgets does not compile.
  const handlers: kitthrift.Handlers<addendpoint.Endpoints> = {
    Sum: kitthrift.handler('AddService.Sum', endpoints.sum, {
      args: SumArgs,
      reply: SumReply,
      decode: (args) => ({ a: args.a, b: args.b }),
      encode: (res) => ({ value: res.v, err: '' }),
      encodeDomainError: (err) => ({ value: 0, err: err.message }),
    }, opts),
    Concat: kitthrift.handler('AddService.Concat', endpoints.concat, {
      args: ConcatArgs,
      reply: ConcatReply,
      decode: (args) => ({ a: args.a, b: args.b }),
      encode: (res) => ({ value: res.v, err: '' }),
      encodeDomainError: (err) => ({ value: '', err: err.message }),
    }, opts),
  }
  const limit = deps.maxMessageBytes === undefined ? {} : { maxMessageBytes: deps.maxMessageBytes }
  return kitthrift.server(handlers, { ...deps.wire, log: deps.log, ...limit })
}
