/**
 * addsvc's protobuf messages (addsvc.proto, Go kit's package pb) as
 * proto-loader gives and takes them, the service definition, and the int64
 * rule both sides apply: what the gRPC server (grpc.ts) and client
 * (grpc-client.ts) share, so the client loads nothing of the server side.
 */
import { fileURLToPath } from 'node:url'
import type { ServiceDefinition } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { BadRequestError } from '../../kit/transport/wire.js'

/** SumMessage and the other message types are the objects proto-loader gives and takes. */
export interface SumMessage { readonly a: string; readonly b: string }
/** SumReply is pb.SumReply; v is a decimal string or a number. */
export interface SumReply { readonly v: string | number; readonly err: string }
/** ConcatMessage is pb.ConcatRequest. */
export interface ConcatMessage { readonly a: string; readonly b: string }
/** ConcatReply is pb.ConcatReply. */
export interface ConcatReply { readonly v: string; readonly err: string }

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
