/**
 * Context carries request-scoped values across the layers, as Go's
 * context.Context does for Go kit. Every Service and Endpoint method takes it
 * first; nothing else carries request state, so a call can be traced,
 * cancelled and attributed without ambient storage.
 */
import { EventEmitter, setMaxListeners } from 'node:events'

/** Claims are what a verified credential says about the caller (a JWT's payload); sub names the caller. */
export type Claims = Readonly<Record<string, unknown>> & { readonly sub?: string }

/** Context is the explicit, immutable request scope passed to every service and endpoint call. */
export interface Context {
  /** signal aborts when the caller goes away or the deadline passes. */
  readonly signal: AbortSignal
  /** requestId correlates log lines and remote calls of one request (x-request-id). */
  readonly requestId: string
  /** deadline is the epoch time in milliseconds by which the caller needs an answer, if any. */
  readonly deadline?: number
  /** trace is the propagated W3C traceparent of the current span, if any. */
  readonly trace?: string
  /** transport names the server transport the call came in on (http, grpc, jsonrpc, nats), for metrics. */
  readonly transport?: string
  /** credential is the Authorization value the transport read (`Bearer …`, `Basic …`), not yet verified. */
  readonly credential?: string
  /** claims are the verified credential's claims, set by the authenticate middleware. */
  readonly claims?: Claims
  /** peer is the client's address, for limits per client. */
  readonly peer?: string
}

// One signal that never aborts, shared by every background Context. Derived
// contexts listen on it while they run, so it may have many listeners at once.
const never = new AbortController().signal
setMaxListeners(0, never)

/** Fields are a Context's values other than its signal. */
export type Fields = Omit<Context, 'signal'>

/**
 * Cancel is a cancellation without an AbortSignal: on Node 20 creating an
 * AbortSignal costs about 5 µs (it is made transferable), more than the rest
 * of a small call, while an EventEmitter costs a few hundred nanoseconds.
 * Transports and withDeadline cancel through one; the kit's clients watch it
 * (cancellationOf), and undici takes it as its signal (an EventEmitter with
 * aborted and reason), so a remote call never builds an AbortSignal. ctx.signal
 * is built on it only when someone reads it.
 */
export class Cancel extends EventEmitter {
  aborted = false
  reason: unknown = undefined
  constructor() {
    super()
    // Every call derived from one request listens while it runs.
    this.setMaxListeners(0)
  }
  /** abort cancels once, with reason; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.emit('abort')
  }
}

/** Cancellation is what a Context is cancelled through: its Cancel, or an AbortSignal it was given. */
export type Cancellation = Cancel | AbortSignal

/** onAbort calls fn once when c aborts (never, if it already has) and returns what removes the listener. */
export function onAbort(c: Cancellation, fn: () => void): () => void {
  if (c instanceof Cancel) {
    c.once('abort', fn)
    return () => c.removeListener('abort', fn)
  }
  c.addEventListener('abort', fn, { once: true })
  return () => c.removeEventListener('abort', fn)
}

/**
 * RequestContext is the Context transports build for each request. Its
 * cancellation is made on first use, by source (a Cancel or an AbortSignal),
 * and its signal, when source gives a Cancel, only when read: most calls
 * never look at either. It is a class, not an object literal with a getter,
 * because V8 builds such literals on a slow path (about 40× slower here, and
 * a third of a small route's throughput). Copy it with derive(), never with
 * a spread: a spread drops the signal, which lives on the prototype.
 */
export class RequestContext implements Context {
  readonly requestId: string
  readonly deadline?: number
  readonly trace?: string
  readonly transport?: string
  readonly credential?: string
  readonly claims?: Claims
  readonly peer?: string
  readonly #source: () => Cancellation
  #cancellation: Cancellation | undefined
  #signal: AbortSignal | undefined
  constructor(fields: Fields, source: () => Cancellation) {
    this.requestId = fields.requestId
    if (fields.deadline !== undefined) this.deadline = fields.deadline
    if (fields.trace !== undefined) this.trace = fields.trace
    if (fields.transport !== undefined) this.transport = fields.transport
    if (fields.credential !== undefined) this.credential = fields.credential
    if (fields.claims !== undefined) this.claims = fields.claims
    if (fields.peer !== undefined) this.peer = fields.peer
    this.#source = source
  }
  /** cancellation is this call's Cancel or AbortSignal, without building an AbortSignal for a Cancel. */
  cancellation(): Cancellation {
    return (this.#cancellation ??= this.#source())
  }
  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal
    const c = this.cancellation()
    if (!(c instanceof Cancel)) return (this.#signal = c)
    const ac = new AbortController()
    if (c.aborted) ac.abort(c.reason)
    else c.once('abort', () => ac.abort(c.reason))
    return (this.#signal = ac.signal)
  }
}

/** cancellationOf returns what ctx is cancelled through, building no AbortSignal for a RequestContext's Cancel. */
export function cancellationOf(ctx: Context): Cancellation {
  return ctx instanceof RequestContext ? ctx.cancellation() : ctx.signal
}

/**
 * derive returns a copy of ctx with some values replaced; its cancellation
 * is source's (made on first use), or else ctx's own.
 */
export function derive(ctx: Context, patch: Partial<Fields>, source?: () => Cancellation): Context {
  const fields: { -readonly [K in keyof Fields]: Fields[K] } = { requestId: patch.requestId ?? ctx.requestId }
  const deadline = patch.deadline ?? ctx.deadline
  const trace = patch.trace ?? ctx.trace
  const transport = patch.transport ?? ctx.transport
  const credential = patch.credential ?? ctx.credential
  const claims = patch.claims ?? ctx.claims
  const peer = patch.peer ?? ctx.peer
  if (deadline !== undefined) fields.deadline = deadline
  if (trace !== undefined) fields.trace = trace
  if (transport !== undefined) fields.transport = transport
  if (credential !== undefined) fields.credential = credential
  if (claims !== undefined) fields.claims = claims
  if (peer !== undefined) fields.peer = peer
  return new RequestContext(fields, source ?? (() => cancellationOf(ctx)))
}

/** background returns a Context for work that is not tied to a request: no deadline, never aborted. */
export function background(requestId = 'background'): Context {
  return { signal: never, requestId }
}

/** remaining reports the milliseconds left before ctx's deadline, or undefined when it has none. */
export function remaining(ctx: Context, now = Date.now()): number | undefined {
  return ctx.deadline === undefined ? undefined : Math.max(0, ctx.deadline - now)
}
