/**
 * What NATS servers and clients of the kit agree on besides the JSON bodies:
 * the headers of a failed reply, and how a body is read. Apart from
 * nats-server.ts so that a client loads nothing of the server side.
 */
import { BadRequestError } from './wire.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** errorHeader and errorCodeHeader mark a failed reply (NATS micro's names); the body is {error, code}. */
export const errorHeader = 'Nats-Service-Error'
/** errorCodeHeader carries the failure's HTTP-like status. */
export const errorCodeHeader = 'Nats-Service-Error-Code'

/** parseJson reads a message body as JSON, or throws BadRequestError saying why not. */
export function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(data)) as unknown
  } catch (err) {
    throw new BadRequestError(`message body is not JSON: ${(err as Error).message}`)
  }
}
