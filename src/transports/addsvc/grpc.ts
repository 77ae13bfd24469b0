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
import { fileURLToPath } from 'node:url'
import type { ServiceDefinition } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitgrpc from '../../kit/transport/grpc-server.js'
import { strictService } from '../../kit/transport/protobuf.js'
import { BadRequestError } from '../../kit/transport/wire.js'
import type * as addservice from '../../services/addsvc/index.js'

/** SumMessage and the other message types are the objects proto-loader gives and takes. */
export interface SumMessage { readonly a: string; readonly b: string }
/** SumReply is pb.SumReply; v is a decimal string or a number. */
export interface SumReply { readonly v: string | number; readonly err: string }
/** ConcatMessage is pb.ConcatRequest. */
export interface ConcatMessage { readonly a: string; readonly b: string }
/** ConcatReply is pb.ConcatReply. */
export interface ConcatReply { readonly v: string; readonly err: string }

/** statusByCode maps addsvc's domain errors to a status, used only if one is sent as a gRPC status. */
const statusByCode = {
  TWO_ZEROES: 400,
  INT_OVERFLOW: 400,
  MAX_SIZE_EXCEEDED: 400,
} as const satisfies Record<addservice.ErrorCode, number>

/** definition loads addsvc.proto (shipped beside this file by the build) as the pb.Add service definition. */
export function definition(): ServiceDefinition {
  const path = fileURLToPath(new URL('./addsvc.proto', import.meta.url))
  const pkg = loadSync(path, { longs: String, defaults: true, enums: String })
  return pkg['pb.Add'] as ServiceDefinition
}

/** int64 reads an int64 field (a decimal string) as a number, refusing values JavaScript cannot add exactly. */
export function int64(name: string, value: string | number): number {
  const v = Number(value)
  if (!Number.isSafeInteger(v)) throw new BadRequestError(`field ${name} must be an integer between -(2^53-1) and 2^53-1, got ${value}`)
  return v
}

/** decodeGrpcSumRequest maps a pb.SumRequest to a SumRequest. */
export function decodeGrpcSumRequest(msg: SumMessage): addendpoint.SumRequest {
  return { a: int64('a', msg.a), b: int64('b', msg.b) }
}

/** decodeGrpcConcatRequest maps a pb.ConcatRequest to a ConcatRequest. */
export function decodeGrpcConcatRequest(msg: ConcatMessage): addendpoint.ConcatRequest {
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
  readonly implementation: Readonly<Record<string, kitgrpc.UnaryHandler>>
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
