/**
 * grpcClient calls a remote addsvc over gRPC (Go kit's NewGRPCClient without
 * the baked-in policy): codecs only. The consumer adds balancing, retries and
 * breakers in main, through kit/lb. A business error comes back in the
 * reply's err field and is rebuilt as the same class, from the x-error-code
 * trailer, or from its message when the server is Go kit's.
 */
import { Client, credentials, type MethodDefinition } from '@grpc/grpc-js'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitgrpcc from '../../kit/transport/grpc-client.js'
import * as addservice from '../../services/addsvc/index.js'
import { type ConcatMessage, type ConcatReply, definition, int64, type SumMessage, type SumReply } from './pb.js'

// Every domain code, so a Go kit server's bare message can be mapped back to its class.
const codes = { TWO_ZEROES: true, INT_OVERFLOW: true, MAX_SIZE_EXCEEDED: true } as const satisfies Record<addservice.ErrorCode, true>
const codeByMessage = new Map(Object.keys(codes).map((c) => [addservice.errors.fromCode(c)?.message, c]))

/** GrpcClient is Endpoints over one channel, which close releases. */
export interface GrpcClient extends addendpoint.Endpoints {
  close(): void
}

/** grpcClient returns Endpoints that call the addsvc instance at target ("host:port"). */
export function grpcClient(target: string, opts: { readonly tracer?: Tracer } = {}): GrpcClient {
  const def = definition()
  const channel = new Client(target, credentials.createInsecure())
  const common = {
    channel,
    decodeError: addservice.errors.fromCode,
    codeOfMessage: (m: string) => codeByMessage.get(m),
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
  }
  return {
    sum: kitgrpcc.unary<addendpoint.SumRequest, addendpoint.SumResponse, SumMessage, SumReply>({
      ...common,
      method: def.Sum as MethodDefinition<SumMessage, SumReply>,
      encode: (req) => ({ a: String(req.a), b: String(req.b) }),
      decode: (reply) => ({ v: int64('v', reply.v) }),
      replyError: (reply) => reply.err,
    }),
    concat: kitgrpcc.unary<addendpoint.ConcatRequest, addendpoint.ConcatResponse, ConcatMessage, ConcatReply>({
      ...common,
      method: def.Concat as MethodDefinition<ConcatMessage, ConcatReply>,
      encode: (req) => ({ a: req.a, b: req.b }),
      decode: (reply) => ({ v: reply.v }),
      replyError: (reply) => reply.err,
    }),
    close: () => channel.close(),
  }
}
