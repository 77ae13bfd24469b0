/**
 * addsvc's request bodies as plain JSON values, for the transports that have
 * no schema validator of their own (JSON-RPC params, NATS messages): each
 * decoder checks the shape the HTTP schemas enforce ({a, b}, integers within
 * ±(2^53-1) or strings, no other fields) and throws BadRequestError naming
 * the field, so every transport refuses the same inputs with the same words.
 * Keys are first folded as Go's encoding/json matches them (kit/transport/
 * json-keys.ts): Go kit's own client sends {"A": 1, "B": 2}.
 */
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import { KitError } from '../../kit/errors.js'
import { type Folder, keyFolder } from '../../kit/transport/json-keys.js'
import { BadRequestError } from '../../kit/transport/wire.js'

// Both requests are {a, b}: one folder serves them, and it is never undefined for a schema that names fields.
const foldAB = keyFolder({ type: 'object', properties: { a: {}, b: {} } }) as Folder

/** fieldsOf checks that body is an object with exactly the fields a and b (in any case, as Go matches them), and returns them. */
function fieldsOf(raw: unknown, where: string): { a: unknown; b: unknown } {
  const body = foldAB(raw, where)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError(`${where} must be an object {a, b}`)
  for (const key of Object.keys(body)) {
    if (key !== 'a' && key !== 'b') throw new BadRequestError(`${where} must not have property '${key}'`)
  }
  const { a, b } = body as { a?: unknown; b?: unknown }
  if (a === undefined) throw new BadRequestError(`${where} must have required property 'a'`)
  if (b === undefined) throw new BadRequestError(`${where} must have required property 'b'`)
  return { a, b }
}

/** integer checks one field is an integer JavaScript can add exactly. */
function integer(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new BadRequestError(`${field} must be an integer between -(2^53-1) and 2^53-1`)
  }
  return v
}

/** string checks one field is a string. */
function string(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new BadRequestError(`${field} must be a string`)
  return v
}

/** decodeSumBody maps a JSON value to a SumRequest; where names it in errors ("params", "message"). */
export function decodeSumBody(body: unknown, where: string): addendpoint.SumRequest {
  const { a, b } = fieldsOf(body, where)
  return { a: integer(a, `${where}.a`), b: integer(b, `${where}.b`) }
}

/** decodeConcatBody maps a JSON value to a ConcatRequest. */
export function decodeConcatBody(body: unknown, where: string): addendpoint.ConcatRequest {
  const { a, b } = fieldsOf(body, where)
  return { a: string(a, `${where}.a`), b: string(b, `${where}.b`) }
}

/** decodeSumResult maps a JSON result {v} to a SumResponse; anything else is the server's fault (502). */
export function decodeSumResult(body: unknown): addendpoint.SumResponse {
  const v = (body as { v?: unknown } | null)?.v
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new KitError('UPSTREAM_ERROR', 502, 'result must be {v: integer}')
  return { v }
}

/** decodeConcatResult maps a JSON result {v} to a ConcatResponse, refusing anything else. */
export function decodeConcatResult(body: unknown): addendpoint.ConcatResponse {
  const v = (body as { v?: unknown } | null)?.v
  if (typeof v !== 'string') throw new KitError('UPSTREAM_ERROR', 502, 'result must be {v: string}')
  return { v }
}
