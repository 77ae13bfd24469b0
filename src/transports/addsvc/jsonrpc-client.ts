/**
 * jsonrpcClient calls a remote addsvc over JSON-RPC 2.0 (Go kit's
 * NewJSONRPCClient without the baked-in policy): codecs only. Results are
 * checked ({v} of the right type) before they reach the caller.
 */
import type { Dispatcher } from 'undici'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitjsonrpcc from '../../kit/transport/jsonrpc-client.js'
import * as addservice from '../../services/addsvc/index.js'
import { decodeConcatResult, decodeSumResult } from './codec.js'

/** JsonrpcClientOptions are the optional collaborators of a JSON-RPC client. */
export interface JsonrpcClientOptions {
  readonly tracer?: Tracer
  readonly dispatcher?: Dispatcher
}

/** jsonrpcClient returns Endpoints that call the addsvc JSON-RPC listener at url (http://host:port). */
export function jsonrpcClient(url: string, opts: JsonrpcClientOptions = {}): addendpoint.Endpoints {
  const common = {
    url: new URL(url),
    decodeError: addservice.errors.fromCode,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  }
  return {
    sum: kitjsonrpcc.client({ ...common, method: 'sum', decode: decodeSumResult }),
    concat: kitjsonrpcc.client({ ...common, method: 'concat', decode: decodeConcatResult }),
  }
}
