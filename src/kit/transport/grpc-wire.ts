/**
 * What gRPC servers and clients of the kit agree on besides the protobuf
 * messages: the metadata key of a failure's stable code, and how an
 * HTTP-like status maps to a gRPC status. Apart from grpc-server.ts so that
 * a client loads nothing of the server side.
 */
import { status } from '@grpc/grpc-js'

/** errorCodeKey is the metadata key carrying a failure's stable code. */
export const errorCodeKey = 'x-error-code'

/** grpcCodeByStatus maps the HTTP-like status of a failure to the gRPC status code that means the same. */
export const grpcCodeByStatus: Readonly<Record<number, status>> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  413: status.RESOURCE_EXHAUSTED,
  429: status.RESOURCE_EXHAUSTED,
  499: status.CANCELLED,
  501: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
}
