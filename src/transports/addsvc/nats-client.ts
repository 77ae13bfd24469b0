/**
 * natsClient calls addsvc over NATS request/reply: codecs only. Any instance
 * in the queue group answers; the NATS server does the balancing, so one
 * client per NATS cluster is enough.
 */
import type { NatsConnection } from '@nats-io/transport-node'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitnatsc from '../../kit/transport/nats-client.js'
import * as addservice from '../../services/addsvc/index.js'
import { decodeConcatResult, decodeSumResult } from './codec.js'

/** NatsClientOptions are the optional collaborators of a NATS client. */
export interface NatsClientOptions {
  /** prefix starts the subjects (default "addsvc"). */
  readonly prefix?: string
  readonly tracer?: Tracer
  /** timeoutMs bounds calls without a deadline. */
  readonly timeoutMs?: number
}

/** natsClient returns Endpoints that call addsvc through nc (or the connection nc will be). */
export function natsClient(nc: NatsConnection | Promise<NatsConnection>, opts: NatsClientOptions = {}): addendpoint.Endpoints {
  const prefix = opts.prefix ?? 'addsvc'
  const common = {
    nc,
    decodeError: addservice.errors.fromCode,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  }
  return {
    sum: kitnatsc.client({ ...common, subject: `${prefix}.sum`, decode: decodeSumResult }),
    concat: kitnatsc.client({ ...common, subject: `${prefix}.concat`, decode: decodeConcatResult }),
  }
}
