/**
 * What JSON-RPC servers and clients of the kit agree on besides the params
 * and results: the error codes and the error object. Apart from
 * jsonrpc-server.ts so that a client loads nothing of the server side.
 */

/** ErrorCodes are JSON-RPC 2.0's reserved codes plus the two server errors we use. */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  DomainError: -32000,
  KitError: -32001,
} as const

/** RpcError is a JSON-RPC error object; data carries our stable code (and a kit failure's status). */
export interface RpcError {
  readonly code: number
  readonly message: string
  readonly data?: { readonly code: string; readonly status?: number }
}
