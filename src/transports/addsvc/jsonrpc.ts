/**
 * addsvc over JSON-RPC 2.0 on HTTP, Go kit's wire format
 * (addsvc/pkg/addtransport/jsonrpc.go), on its own listener (JSONRPC_PORT):
 *
 *   POST /  {"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":1}
 *        →  {"jsonrpc":"2.0","result":{"v":3},"id":1}
 *   methods  sum {a, b integers} → {v}; concat {a, b strings} → {v}
 *   errors   -32602 invalid params (names the field); -32000 business error
 *            (Go kit's code) with {"code": CODE} in data; -32001 kit failure
 *            (rate limited, deadline…) with its code and status in data
 *
 * Batches and notifications are served as the specification says (see
 * kit/transport/jsonrpc-server.ts).
 */
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import * as kitjsonrpc from '../../kit/transport/jsonrpc-server.js'
import { decodeConcatBody, decodeSumBody } from './codec.js'

/** decodeJsonrpcSumRequest maps sum's params to a SumRequest, or throws naming the bad field. */
function decodeJsonrpcSumRequest(params: unknown): addendpoint.SumRequest {
  return decodeSumBody(params, 'params')
}

/** decodeJsonrpcConcatRequest maps concat's params to a ConcatRequest, or throws naming the bad field. */
function decodeJsonrpcConcatRequest(params: unknown): addendpoint.ConcatRequest {
  return decodeConcatBody(params, 'params')
}

/**
 * jsonrpcMethods returns sum and concat as JSON-RPC methods (Go kit's
 * NewJSONRPCHandler's EndpointCodecMap); main serves them, with every other
 * service's, on the JSON-RPC listener. A method missing here fails typecheck.
 */
export function jsonrpcMethods(endpoints: addendpoint.Endpoints): kitjsonrpc.Methods<addendpoint.Endpoints> {
  return {
    sum: kitjsonrpc.method(endpoints.sum, decodeJsonrpcSumRequest),
    concat: kitjsonrpc.method(endpoints.concat, decodeJsonrpcConcatRequest),
  }
}
