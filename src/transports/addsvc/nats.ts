/**
 * addsvc over NATS request/reply (Go kit's transport/nats), subjects under a
 * configurable prefix (NATS_SUBJECT_PREFIX, default "addsvc"), served in the
 * queue group of the same name so that instances share the load:
 *
 *   <prefix>.sum     {"a": int, "b": int}       → {"v": int}
 *   <prefix>.concat  {"a": string, "b": string} → {"v": string}
 *   failures         → {"error": message, "code": CODE} with headers
 *                      Nats-Service-Error / Nats-Service-Error-Code (status)
 *
 * A message that is not JSON, or lacks or mistypes a field, gets a 400 reply
 * naming what was wrong.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitnats from '../../kit/transport/nats-server.js'
import type * as addservice from '../../services/addsvc/index.js'
import { decodeConcatBody, decodeSumBody } from './codec.js'

/** statusByCode maps every addsvc domain error to the status in Nats-Service-Error-Code (as HTTP: 400). */
export const statusByCode = {
  TWO_ZEROES: 400,
  INT_OVERFLOW: 400,
  MAX_SIZE_EXCEEDED: 400,
} as const satisfies Record<addservice.ErrorCode, number>

/** decodeNatsSumRequest maps a message body to a SumRequest, or throws naming the bad field. */
export function decodeNatsSumRequest(body: unknown): addendpoint.SumRequest {
  return decodeSumBody(body, 'message')
}

/** decodeNatsConcatRequest maps a message body to a ConcatRequest, or throws naming the bad field. */
export function decodeNatsConcatRequest(body: unknown): addendpoint.ConcatRequest {
  return decodeConcatBody(body, 'message')
}

/** NatsDeps are what the NATS handlers need besides the endpoints. */
export interface NatsDeps {
  readonly log: Logger
  readonly tracer: Tracer
  /** prefix starts every subject and names the queue group (default "addsvc"). */
  readonly prefix?: string
}

/** natsHandlers returns the message handler of each subject (Go kit's NewNATSSubscriber per method). */
export function natsHandlers(endpoints: addendpoint.Endpoints, deps: NatsDeps): Record<string, (msg: Msg) => void> {
  const prefix = deps.prefix ?? 'addsvc'
  const opts = { log: deps.log, tracer: deps.tracer, statusByCode }
  return {
    [`${prefix}.sum`]: kitnats.handler(`nats ${prefix}.sum`, endpoints.sum, decodeNatsSumRequest, opts),
    [`${prefix}.concat`]: kitnats.handler(`nats ${prefix}.concat`, endpoints.concat, decodeNatsConcatRequest, opts),
  }
}

/** natsServer subscribes natsHandlers on nc in the prefix's queue group; drain the subscriptions to stop. */
export function natsServer(nc: NatsConnection, endpoints: addendpoint.Endpoints, deps: NatsDeps): Subscription[] {
  return kitnats.subscribe(nc, natsHandlers(endpoints, deps), deps.prefix ?? 'addsvc')
}
