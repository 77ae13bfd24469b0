/**
 * addsvc over gRPC, Go kit's wire format (addsvc/pb/addsvc.proto, kept here
 * as addsvc.proto):
 *
 *   /pb.Add/Sum     SumRequest {a, b int64}       → SumReply {v int64, err}
 *   /pb.Add/Concat  ConcatRequest {a, b string}   → ConcatReply {v string, err}
 *   business error  → reply with err = message, status OK, x-error-code trailer
 *   fault           → gRPC status (INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
 *                     UNAVAILABLE, DEADLINE_EXCEEDED…) with x-error-code
 *
 * int64 fields are read as decimal strings (proto-loader `longs: String`) so
 * that a value beyond 2^53 is refused with INVALID_ARGUMENT, never rounded.
 */
import type { ServiceDefinition } from '@grpc/grpc-js'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitgrpc from '../../kit/transport/grpc-server.js'
import { strictService } from '../../kit/transport/protobuf.js'
import { statusByCode } from './http.js'
import { type ConcatMessage, type ConcatReply, definition, int64, type SumMessage, type SumReply } from './pb.js'

/** decodeGrpcSumRequest maps a pb.SumRequest to a SumRequest. */
function decodeGrpcSumRequest(msg: SumMessage): addendpoint.SumRequest {
  return { a: int64('a', msg.a), b: int64('b', msg.b) }
}

/** decodeGrpcConcatRequest maps a pb.ConcatRequest to a ConcatRequest. */
function decodeGrpcConcatRequest(msg: ConcatMessage): addendpoint.ConcatRequest {
  return { a: msg.a, b: msg.b }
}

/** GrpcDeps are what the gRPC server needs besides the endpoints. */
export interface GrpcDeps {
  readonly log: Logger
  readonly tracer: Tracer
}

/** GrpcService is a service definition and its implementation, ready for grpc.Server#addService. */
export interface GrpcService {
  readonly definition: ServiceDefinition
  /** implementation has a handler for every method of Endpoints (a missing one fails typecheck). */
  readonly implementation: kitgrpc.Implementation<addendpoint.Endpoints>
}

/** grpcServer returns pb.Add served by endpoints (Go kit's NewGRPCServer); main adds it to a grpc.Server. */
export function grpcServer(endpoints: addendpoint.Endpoints, deps: GrpcDeps): GrpcService {
  const opts = { ...deps, statusByCode }
  return {
    definition: strictService(definition()),
    implementation: {
      Sum: kitgrpc.unary<addendpoint.SumRequest, addendpoint.SumResponse, SumMessage, SumReply>('/pb.Add/Sum', endpoints.sum, {
        decode: decodeGrpcSumRequest,
        encode: (res) => ({ v: res.v, err: '' }),
        encodeDomainError: (err) => ({ v: 0, err: err.message }),
      }, opts),
      Concat: kitgrpc.unary<addendpoint.ConcatRequest, addendpoint.ConcatResponse, ConcatMessage, ConcatReply>('/pb.Add/Concat', endpoints.concat, {
        decode: decodeGrpcConcatRequest,
        encode: (res) => ({ v: res.v, err: '' }),
        encodeDomainError: (err) => ({ v: '', err: err.message }),
      }, opts),
    },
  }
}
