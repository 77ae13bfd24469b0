/**
 * The NATS server side of the kit (Go kit's transport/nats), request/reply:
 * `handler` turns an Endpoint and a decoder into a message callback (decode
 * JSON → endpoint → encode JSON, failures through one error encoder) and
 * `subscribe` attaches handlers to subjects in a queue group, so several
 * instances share the load. Every request gets a reply: a success is the
 * JSON response; a failure is `{"error", "code"}` with the NATS micro
 * convention's headers (Nats-Service-Error, Nats-Service-Error-Code = the
 * HTTP-like status). A message that is not JSON or lacks fields gets a 400
 * reply, never silence, and no message can crash the subscription. Request
 * id, traceparent, the credential (Authorization) and the caller's remaining
 * budget (x-request-timeout-ms) come in headers; the work is cancelled when
 * that budget runs out, which is when the caller stops waiting. A refused
 * credential is a reply with Nats-Service-Error-Code 401. NATS tells a
 * subscriber nothing about who sent a message, so a Context here has no peer.
 */
import { Match, headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import type { Context } from '../context.js'
import { withDeadline } from '../deadline.js'
import type { Endpoint } from '../endpoint.js'
import { KitError } from '../errors.js'
import type { Logger } from '../log.js'
import type { Tracer } from '../tracing.js'
import { describe, type StatusTable } from './http-server.js'
import {
  BadRequestError,
  natsAuthorizationHeader,
  requestIdHeader,
  timeoutHeader,
  traceparentHeader,
  validRequestIdOf,
  validTraceparent,
} from './wire.js'
import { errorCodeHeader, errorHeader, parseJson } from './nats-wire.js'

export { errorCodeHeader, errorHeader, parseJson } from './nats-wire.js'

/** HandlerOptions are what every handler of one service shares. */
export interface HandlerOptions {
  readonly log: Logger
  readonly tracer: Tracer
  readonly statusByCode: StatusTable
}

const never = new AbortController().signal

/** contextFrom builds the Context of one message; it throws BadRequestError for an unreadable budget. */
export function contextFrom(msg: Msg): Context {
  const h = msg.headers
  const trace = validTraceparent(h?.get(traceparentHeader) || undefined)
  const budget = h?.get(timeoutHeader) || undefined
  let deadline: number | undefined
  if (budget !== undefined) {
    const ms = Number(budget)
    if (!Number.isFinite(ms) || ms < 0) throw new BadRequestError(`header ${timeoutHeader} must be a non-negative number of milliseconds`)
    deadline = Date.now() + ms
  }
  const credential = h?.get(natsAuthorizationHeader, Match.IgnoreCase) || undefined
  return {
    requestId: validRequestIdOf(h?.get(requestIdHeader) || undefined),
    transport: 'nats',
    signal: never,
    ...(trace === undefined ? {} : { trace }),
    ...(deadline === undefined ? {} : { deadline }),
    ...(credential === undefined ? {} : { credential }),
  }
}

/**
 * handler returns the callback for one subject, named name in its server
 * span: it replies with encode(response), or with the failure.
 */
export function handler<Req, Res>(
  name: string,
  endpoint: Endpoint<Req, Res>,
  decode: (body: unknown) => Req,
  opts: HandlerOptions,
  encode: (res: Res) => unknown = (r) => r,
): (msg: Msg) => void {
  const reply = (msg: Msg, requestId: string, err: unknown): void => {
    const { status, body } = describe(err, opts.statusByCode)
    if (status >= 500 && !(err instanceof KitError)) {
      opts.log.error('unexpected error', { requestId, transport: 'nats', err: err instanceof Error ? err.stack : String(err) })
    }
    if (!msg.reply) return
    const h = natsHeaders()
    h.set(errorHeader, body.error.replace(/[\r\n]+/g, ' '))
    h.set(errorCodeHeader, String(status))
    msg.respond(JSON.stringify(body), { headers: h })
  }
  return function serveMsg(msg) {
    let ctx: Context
    let req: Req
    try {
      ctx = contextFrom(msg)
      req = decode(parseJson(msg.data))
    } catch (err) {
      return reply(msg, validRequestIdOf(undefined), err)
    }
    const run = (c: Context): Promise<Res> =>
      c.deadline === undefined ? endpoint(c, req) : withDeadline(c, c.deadline, (d) => endpoint(d, req))
    opts.tracer.run(ctx, name, 'server', run).then(
      (res) => {
        if (msg.reply) msg.respond(JSON.stringify(encode(res)))
      },
      (err: unknown) => reply(msg, ctx.requestId, err),
    ).catch((err: unknown) => opts.log.error('nats reply failed', { requestId: ctx.requestId, err: String(err) }))
  }
}

/** Handlers is a NATS binding of a whole Endpoints record: one message handler per endpoint, none missing. */
export type Handlers<E> = { readonly [K in keyof E & string]: (msg: Msg) => void }

/** subscribe attaches each handler to <prefix>.<method> in the queue group prefix and returns the subscriptions. */
export function subscribe(nc: NatsConnection, prefix: string, handlers: Readonly<Record<string, (msg: Msg) => void>>): Subscription[] {
  return Object.entries(handlers).map(([method, serve]) =>
    nc.subscribe(`${prefix}.${method}`, {
      queue: prefix,
      callback: (err, msg) => {
        if (err === null) serve(msg)
      },
    }),
  )
}

/** drain stops the subscriptions after the messages already received are handled. */
export async function drain(subs: readonly Subscription[]): Promise<void> {
  await Promise.all(subs.map((s) => s.drain()))
}
