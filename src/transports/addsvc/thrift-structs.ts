/**
 * addsvc's Thrift structs (addsvc.thrift), coded over the thrift library's
 * protocols by kit/transport/thrift-codec.ts: what the Thrift server
 * (thrift.ts) and client (thrift-client.ts) share, so the client loads
 * nothing of the server side.
 */
import { struct } from '../../kit/transport/thrift-codec.js'

/** SumArgs is AddService.Sum's argument struct. */
export const SumArgs = struct('Sum_args', { a: [1, 'i64'], b: [2, 'i64'] })
/** SumReply is addsvc.thrift's SumReply. */
export const SumReply = struct('SumReply', { value: [1, 'i64'], err: [2, 'string'] })
/** ConcatArgs is AddService.Concat's argument struct. */
export const ConcatArgs = struct('Concat_args', { a: [1, 'string'], b: [2, 'string'] })
/** ConcatReply is addsvc.thrift's ConcatReply. */
export const ConcatReply = struct('ConcatReply', { value: [1, 'string'], err: [2, 'string'] })
