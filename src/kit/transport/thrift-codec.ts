/**
 * What both sides of the kit's Thrift transport share: the wire choice (a
 * protocol, framed or not, buffered or not, as Go kit's -thrift-protocol,
 * -thrift-framed and -thrift-buffer flags), typed struct codecs, the result
 * and exception envelopes, and how a failure is named in an exception's
 * message. Structs are described by a field table and (de)serialized over
 * the thrift library's protocol classes, so the bytes are the library's and
 * no generated CommonJS is needed. An i64 is read exactly (as a bigint) and
 * refused, never rounded, when a JavaScript number cannot hold it; a struct
 * is always read to its end first, so a refused field leaves the stream in
 * step.
 */
import type { Socket } from 'node:net'
import {
  TBinaryProtocol,
  TBufferedTransport,
  TCompactProtocol,
  TFramedTransport,
  Thrift,
  TJSONProtocol,
  type TProtocol,
  type TTransport,
} from 'thrift'
import { BadRequestError } from './wire.js'

/** Protocol names the encodings a peer may speak (Go kit's simplejson is write-only, so it is not one). */
export type Protocol = 'binary' | 'compact' | 'json'

/** Wire is how bytes cross the socket; both peers must agree on protocol and framed. */
export interface Wire {
  readonly protocol: Protocol
  /** framed prefixes each message with its length (TFramedTransport); otherwise messages follow each other. */
  readonly framed: boolean
  /** buffered coalesces the messages written in one tick into one socket write; it is invisible on the wire. */
  readonly buffered: boolean
}

const protocols = { binary: TBinaryProtocol, compact: TCompactProtocol, json: TJSONProtocol } as const

/** isProtocol reports whether a configuration string names a protocol. */
export function isProtocol(value: string): value is Protocol {
  return Object.hasOwn(protocols, value)
}

// @types/thrift 0.10 does not declare the receivers' maxLength parameter, which thrift 0.24 has.
type Receiver = (onData: (t: TTransport) => void, seqid: undefined, maxLength: number) => (data: Buffer) => void
const framedReceiver = TFramedTransport.receiver as unknown as Receiver
const bufferedReceiver = TBufferedTransport.receiver as unknown as Receiver

/**
 * reader returns the socket 'data' listener of one connection: it collects
 * bytes (and frames) and calls onMessage once per whole message, to read it.
 * Unframed, a message is whole when onMessage reads it without running out
 * of bytes; until then it is read again from its start as more arrive, so
 * onMessage must act only once it has read everything. The listener throws
 * for a message it cannot read, a truncated frame, or one over maxLength
 * bytes; the connection is then beyond repair.
 */
export function reader(wire: Wire, maxLength: number, onMessage: (input: TProtocol) => void): (data: Buffer) => void {
  const Proto = protocols[wire.protocol]
  if (wire.framed) return framedReceiver((t) => onMessage(new Proto(t)), undefined, maxLength)
  return bufferedReceiver((t) => {
    const input = new Proto(t)
    for (;;) {
      try {
        onMessage(input)
      } catch (err) {
        if (isUnderrun(err)) return t.rollbackPosition()
        throw err
      }
      t.commitPosition()
    }
  }, undefined, maxLength)
}

/** Send writes one whole message (header, body, end) to the socket; if body throws, nothing is sent. */
export type Send = (name: string, type: Thrift.MessageType, seqid: number, body: (output: TProtocol) => void) => void

/** sender returns the Send of one connection's socket. */
export function sender(wire: Wire, socket: Socket): Send {
  let corked = false
  const write = (buf?: Buffer): void => {
    if (buf === undefined) return
    if (wire.buffered && !corked) {
      corked = true
      socket.cork()
      process.nextTick(() => {
        corked = false
        socket.uncork()
      })
    }
    socket.write(buf)
  }
  const Transport = wire.framed ? TFramedTransport : TBufferedTransport
  const Proto = protocols[wire.protocol]
  return (name, type, seqid, body) => {
    // A fresh writer per message, so a body that throws leaves no half message behind.
    const output = new Proto(new Transport(undefined, write))
    output.writeMessageBegin(name, type, seqid)
    body(output)
    output.writeMessageEnd()
    output.flush()
  }
}

/** isUnderrun reports whether a read stopped because the rest of the message has not arrived yet. */
export function isUnderrun(err: unknown): boolean {
  return err instanceof Error && err.name === 'InputBufferUnderrunError'
}

/** FieldType is a Thrift type a struct field may have (add more as services need them). */
export type FieldType = 'i32' | 'i64' | 'string'
/** Fields describe a struct: each property's field id and type, as in the IDL. */
export type Fields = Readonly<Record<string, readonly [id: number, type: FieldType]>>
/** StructOf is the TypeScript type of a struct described by F. */
export type StructOf<F extends Fields> = { readonly [K in keyof F]: F[K][1] extends 'string' ? string : number }

/** Struct reads and writes one Thrift struct as a plain object. */
export interface Struct<T> {
  readonly name: string
  /** read reads the whole struct; it throws BadRequestError, at the end, for a value it refuses. */
  read(input: TProtocol): T
  /** write throws BadRequestError, before writing anything, for a number its field cannot hold. */
  write(output: TProtocol, value: T): void
}

const typeIds = { i32: Thrift.Type.I32, i64: Thrift.Type.I64, string: Thrift.Type.STRING } as const
const safe = 'an integer between -(2^53-1) and 2^53-1'
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)
const fits = { i32: (n: number) => (n | 0) === n, i64: Number.isSafeInteger, string: () => true } as const

/**
 * struct returns the codec of the struct named name with the given fields.
 * Missing fields read as 0 or '' (Go's zero values); unknown fields and
 * fields of another type are skipped, as generated code does.
 */
export function struct<const F extends Fields>(name: string, fields: F): Struct<StructOf<F>> {
  const specs = Object.entries(fields).map(([key, [id, type]]) => ({ key, id, type, tid: typeIds[type] }))
  const byId = new Map(specs.map((s) => [s.id, s]))
  return {
    name,
    read(input) {
      const out: Record<string, string | number> = {}
      for (const s of specs) out[s.key] = s.type === 'string' ? '' : 0
      let refused: string | undefined
      input.readStructBegin()
      for (;;) {
        const f = input.readFieldBegin()
        if (f.ftype === Thrift.Type.STOP) break
        const s = byId.get(f.fid)
        if (s === undefined || f.ftype !== s.tid) input.skip(f.ftype)
        else if (s.type === 'i32') out[s.key] = input.readI32()
        else if (s.type === 'i64') {
          const i64 = input.readI64()
          const big = i64.buffer.readBigInt64BE(i64.offset)
          if (big > maxSafe || big < -maxSafe) refused ??= `field ${s.key} must be ${safe}, got ${big}`
          else out[s.key] = Number(big)
        } else {
          // The JSON protocol hands back whatever the document holds.
          const str: unknown = input.readString()
          if (typeof str === 'string') out[s.key] = str
          else refused ??= `field ${s.key} must be a string`
        }
        input.readFieldEnd()
      }
      input.readStructEnd()
      if (refused !== undefined) throw new BadRequestError(refused)
      return out as StructOf<F>
    },
    write(output, value) {
      const v = value as Readonly<Record<string, string | number>>
      for (const s of specs) {
        const x = v[s.key]
        if (typeof x === 'number' && !fits[s.type](x)) throw new BadRequestError(`field ${s.key} must be ${s.type === 'i64' ? safe : 'an i32'}, got ${x}`)
      }
      output.writeStructBegin(name)
      for (const s of specs) {
        output.writeFieldBegin(s.key, s.tid, s.id)
        const x = v[s.key] as string | number
        if (s.type === 'string') output.writeString(String(x))
        else if (s.type === 'i32') output.writeI32(Number(x))
        else output.writeI64(Number(x))
        output.writeFieldEnd()
      }
      output.writeFieldStop()
      output.writeStructEnd()
    },
  }
}

/** writeResult writes a method's result struct, whose field 0 is the reply. */
export function writeResult<T>(output: TProtocol, reply: Struct<T>, value: T): void {
  output.writeStructBegin('result')
  output.writeFieldBegin('success', Thrift.Type.STRUCT, 0)
  reply.write(output, value)
  output.writeFieldEnd()
  output.writeFieldStop()
  output.writeStructEnd()
}

/** readResult reads a method's result struct; undefined means it had no reply in it. */
export function readResult<T>(input: TProtocol, reply: Struct<T>): T | undefined {
  let value: T | undefined
  let refused: unknown
  input.readStructBegin()
  for (;;) {
    const f = input.readFieldBegin()
    if (f.ftype === Thrift.Type.STOP) break
    if (f.fid === 0 && f.ftype === Thrift.Type.STRUCT) {
      try {
        value = reply.read(input)
      } catch (err) {
        if (!(err instanceof BadRequestError)) throw err
        refused = err
      }
    } else input.skip(f.ftype)
    input.readFieldEnd()
  }
  input.readStructEnd()
  if (refused !== undefined) throw refused
  return value
}

/**
 * applicationException is TApplicationException's struct. The library's own
 * class is not used to write it: its write() sends the type only when a
 * `code` property is set, which its constructor never sets, so every
 * exception it writes arrives as UNKNOWN.
 */
export const applicationException = struct('TApplicationException', { message: [1, 'string'], type: [2, 'i32'] })

/** ExceptionType is TApplicationException's type field. */
export const ExceptionType = Thrift.TApplicationExceptionType

/** faultMessage names a failure in an exception's message: "RATE_LIMITED (429): rate limit exceeded". */
export function faultMessage(code: string, status: number, message: string): string {
  return `${code} (${status}): ${message}`
}

/** parseFault reads a message that faultMessage wrote; it returns undefined for any other message. */
export function parseFault(message: string): { code: string; status: number; message: string } | undefined {
  const m = /^([A-Z][A-Z0-9_]*) \((\d{3})\): (.*)$/s.exec(message)
  return m ? { code: m[1] as string, status: Number(m[2]), message: m[3] as string } : undefined
}
