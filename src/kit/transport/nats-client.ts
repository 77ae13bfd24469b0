/**
 * The NATS client side of the kit (Go kit's nats.NewPublisher): one request
 * per call on a subject, JSON in and out, with the request id, traceparent,
 * credential (Authorization) and remaining budget (x-request-timeout-ms) in headers. The request's own
 * timeout is that budget, so caller and server give up at the same moment;
 * a caller without a deadline waits at most timeoutMs. A failed reply
 * (Nats-Service-Error-Code header, body {error, code}) is rebuilt as the same
 * class; no responders on the subject is UnavailableError, a timeout is
 * DeadlineExceededError. Codecs only, no policy.
 */
import { connect, headers as natsHeaders, type Msg, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node'
import { type Context, remaining } from '../context.js'
import type { Endpoint } from '../endpoint.js'
import { DeadlineExceededError, fromAbort, KitError, UnavailableError } from '../errors.js'
import { nop, type Tracer } from '../tracing.js'
import { errorCodeHeader, errorHeader, parseJson } from './nats-wire.js'
import { type DecodeError, natsAuthorizationHeader, rebuildError, requestIdHeader, timeoutHeader, traceparentHeader } from './wire.js'

/** ClientOptions describe one remote method on a subject. */
export interface ClientOptions<Req, Res> {
  /** nc is the connection, or its promise while it is being established; its owner closes it. */
  readonly nc: NatsConnection | Promise<NatsConnection>
  readonly subject: string
  readonly decodeError: DecodeError
  readonly encode?: (req: Req) => unknown
  readonly decode?: (body: unknown) => Res
  /** timeoutMs bounds a call whose Context has no deadline (default 5 000). */
  readonly timeoutMs?: number
  readonly tracer?: Tracer
}

/** client returns an Endpoint that performs one NATS request per call. */
export function client<Req, Res>(opts: ClientOptions<Req, Res>): Endpoint<Req, Res> {
  const encode = opts.encode ?? ((req: Req) => req)
  const decode = opts.decode ?? ((body: unknown) => body as Res)
  const tracer = opts.tracer ?? nop()
  const call = async (ctx: Context, req: Req): Promise<Res> => {
    if (ctx.signal.aborted) throw fromAbort(ctx.signal)
    const nc = await opts.nc
    const h = natsHeaders()
    h.set(requestIdHeader, ctx.requestId)
    if (ctx.trace !== undefined) h.set(traceparentHeader, ctx.trace)
    if (ctx.credential !== undefined) h.set(natsAuthorizationHeader, ctx.credential)
    const left = remaining(ctx)
    if (left !== undefined) {
      if (left <= 0) throw new DeadlineExceededError()
      h.set(timeoutHeader, String(left))
    }
    let msg: Msg
    let onAbort: (() => void) | undefined
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(fromAbort(ctx.signal))
        ctx.signal.addEventListener('abort', onAbort, { once: true })
      })
      msg = await Promise.race([nc.request(opts.subject, JSON.stringify(encode(req)), { timeout: left ?? opts.timeoutMs ?? 5_000, headers: h }), aborted])
    } catch (err) {
      throw errorOf(err, ctx, opts.subject)
    } finally {
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort)
    }
    const status = msg.headers?.get(errorCodeHeader)
    if (status) {
      const body = safeJson(msg.data) as { error?: unknown; code?: unknown }
      const message = typeof body.error === 'string' ? body.error : (msg.headers?.get(errorHeader) ?? 'remote error')
      const code = typeof body.code === 'string' ? body.code : 'UPSTREAM_ERROR'
      throw rebuildError(code, Number(status) || 502, message, opts.decodeError)
    }
    return decode(parseReply(msg.data, opts.subject))
  }
  return function natsCall(ctx, req) {
    return tracer.enabled ? tracer.run(ctx, `nats ${opts.subject}`, 'client', (c) => call(c, req)) : call(ctx, req)
  }
}

/** errorOf maps a failed request to the kit error the caller sees. */
function errorOf(err: unknown, ctx: Context, subject: string): Error {
  if (err instanceof KitError) return err
  if (ctx.signal.aborted) return fromAbort(ctx.signal)
  if (err instanceof TimeoutError) return new DeadlineExceededError(`no reply on ${subject} in time`)
  if (err instanceof RequestError && err.isNoResponders()) return new UnavailableError(`no responders on ${subject}`)
  return new UnavailableError(`NATS request on ${subject} failed: ${(err as Error).message}`, { cause: err })
}

/** safeJson reads a failure body, treating an unreadable one as empty. */
function safeJson(data: Uint8Array): unknown {
  try {
    return parseJson(data) ?? {}
  } catch {
    return {}
  }
}

/** parseReply reads a success body; a reply that is not JSON is the server's fault. */
function parseReply(data: Uint8Array, subject: string): unknown {
  try {
    return parseJson(data)
  } catch {
    throw new KitError('UPSTREAM_ERROR', 502, `reply on ${subject} is not JSON`)
  }
}

/** Connections shares one NATS connection per server list among the clients of a process. */
export interface Connections {
  /** get returns the connection to servers, connecting on first use; a failed connect is retried on the next get. */
  get(servers: string): Promise<NatsConnection>
  /** close drains every connection opened. */
  close(): Promise<void>
}

/** connections returns a pool of NATS connections named name, so dialling many instances opens one connection per cluster. */
export function connections(name: string): Connections {
  const open = new Map<string, Promise<NatsConnection>>()
  return {
    get(servers) {
      let nc = open.get(servers)
      if (nc === undefined) {
        nc = connect({ servers, name, noAsyncTraces: true })
        open.set(servers, nc)
        // A failed connect is reported by each call; it must not also be an unhandled rejection.
        nc.catch(() => open.delete(servers))
      }
      return nc
    },
    async close() {
      const all = [...open.values()]
      open.clear()
      await Promise.all(all.map((nc) => nc.then((c) => c.drain(), () => {})))
    },
  }
}
