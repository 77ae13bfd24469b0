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
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitnats from '../../kit/transport/nats-server.js'
import { decodeConcatBody, decodeSumBody } from './codec.js'
import { statusByCode } from './http.js'

/** decodeNatsSumRequest maps a message body to a SumRequest, or throws naming the bad field. */
function decodeNatsSumRequest(body: unknown): addendpoint.SumRequest {
  return decodeSumBody(body, 'message')
}

/** decodeNatsConcatRequest maps a message body to a ConcatRequest, or throws naming the bad field. */
function decodeNatsConcatRequest(body: unknown): addendpoint.ConcatRequest {
  return decodeConcatBody(body, 'message')
}

/** NatsDeps are what the NATS handlers need besides the endpoints. */
export interface NatsDeps {
  readonly log: Logger
  readonly tracer: Tracer
  /** prefix starts every subject and names the queue group (default "addsvc"). */
  readonly prefix?: string
}

/**
 * natsServer subscribes a handler per method (Go kit's NewNATSSubscriber) on
 * <prefix>.<method>, in the prefix's queue group; drain the subscriptions to
 * stop. The handler table has every method of Endpoints, or it fails typecheck.
 */
export function natsServer(nc: NatsConnection, endpoints: addendpoint.Endpoints, deps: NatsDeps): Subscription[] {
  const prefix = deps.prefix ?? 'addsvc'
  const opts = { log: deps.log, tracer: deps.tracer, statusByCode }
  const handlers = {
    sum: kitnats.handler(`nats ${prefix}.sum`, endpoints.sum, decodeNatsSumRequest, opts),
    concat: kitnats.handler(`nats ${prefix}.concat`, endpoints.concat, decodeNatsConcatRequest, opts),
  } satisfies kitnats.Handlers<addendpoint.Endpoints>
  return kitnats.subscribe(nc, prefix, handlers)
}
