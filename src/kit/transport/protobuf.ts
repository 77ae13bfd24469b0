/**
 * Protobuf decoding is lenient: a message of the wrong shape (a ConcatRequest
 * sent to Sum, random bytes) either decodes into garbage or throws, and
 * grpc-js answers a throwing deserializer with INTERNAL, as if the server were
 * at fault. `strictService` wraps a proto-loader service definition so that
 * every request is first walked field by field against its descriptor (each
 * known field must have its declared wire type; unknown fields are skipped,
 * as proto3 evolution requires) and never throws: the handler receives a
 * Decoded value and answers INVALID_ARGUMENT naming the field.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js'
import type { MessageTypeDefinition } from '@grpc/proto-loader'

/** Decoded is a request message, or the reason it could not be decoded. */
export type Decoded<T> = { readonly ok: true; readonly msg: T } | { readonly ok: false; readonly error: string }

/** Field is the part of a FieldDescriptorProto the walker needs. */
interface Field {
  readonly name: string
  readonly number: number
  readonly type: string
  readonly label?: string
}

// Wire types: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit.
const wireTypeOf: Readonly<Record<string, number>> = {
  TYPE_INT64: 0, TYPE_UINT64: 0, TYPE_INT32: 0, TYPE_UINT32: 0, TYPE_SINT32: 0, TYPE_SINT64: 0, TYPE_BOOL: 0, TYPE_ENUM: 0,
  TYPE_FIXED64: 1, TYPE_SFIXED64: 1, TYPE_DOUBLE: 1,
  TYPE_STRING: 2, TYPE_BYTES: 2, TYPE_MESSAGE: 2,
  TYPE_FIXED32: 5, TYPE_SFIXED32: 5, TYPE_FLOAT: 5,
}

/** varint reads a base-128 varint at pos; it returns the value (as a number, enough for tags and lengths) and the next position. */
function varint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= buf.length) throw new Error('message ends inside a varint')
    const byte = buf[pos++] as number
    if (shift < 49) value += (byte & 0x7f) * 2 ** shift
    if ((byte & 0x80) === 0) return [value, pos]
  }
  throw new Error('varint longer than 10 bytes')
}

/** checkWireTypes returns why buf is not a well-formed message of fields, or undefined when it is. */
export function checkWireTypes(buf: Uint8Array, fields: readonly Field[]): string | undefined {
  const byNumber = new Map(fields.map((f) => [f.number, f]))
  let pos = 0
  try {
    while (pos < buf.length) {
      let tag: number
      ;[tag, pos] = varint(buf, pos)
      const number = Math.floor(tag / 8)
      const wire = tag % 8
      if (number === 0) return 'field number 0 is not allowed'
      const field = byNumber.get(number)
      const want = field && wireTypeOf[field.type]
      // Packed repeated scalars are length-delimited too.
      if (field && want !== undefined && wire !== want && !(field.label === 'LABEL_REPEATED' && wire === 2)) {
        return `field ${field.name} (${number}) has wire type ${wire}, want ${want} for ${field.type.slice(5).toLowerCase()}`
      }
      if (wire === 0) [, pos] = varint(buf, pos)
      else if (wire === 1) pos += 8
      else if (wire === 5) pos += 4
      else if (wire === 2) {
        let len: number
        ;[len, pos] = varint(buf, pos)
        pos += len
      } else return `field ${number} has unsupported wire type ${wire}`
      if (pos > buf.length) return `field ${field?.name ?? number} runs past the end of the message`
    }
  } catch (err) {
    return (err as Error).message
  }
  return undefined
}

/** strictService returns def with request deserializers that check the wire format and never throw. */
export function strictService(def: ServiceDefinition): ServiceDefinition {
  const out: Record<string, MethodDefinition<unknown, unknown>> = {}
  for (const [name, method] of Object.entries(def)) {
    const type = (method as { requestType?: MessageTypeDefinition<unknown, unknown> }).requestType?.type as { field?: Field[] } | undefined
    const fields = type?.field ?? []
    const deserialize = method.requestDeserialize
    out[name] = {
      ...method,
      requestDeserialize(buf: Buffer): Decoded<unknown> {
        const bad = checkWireTypes(buf, fields)
        if (bad !== undefined) return { ok: false, error: `request is not a valid ${method.path} message: ${bad}` }
        try {
          return { ok: true, msg: deserialize(buf) }
        } catch (err) {
          return { ok: false, error: `request is not a valid ${method.path} message: ${(err as Error).message}` }
        }
      },
    }
  }
  return out
}
