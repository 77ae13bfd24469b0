/**
 * OpenTelemetry's ambient context, kept in an AsyncLocalStorage only once
 * something worth carrying across awaits is entered. On Node 20 and 22 an
 * AsyncLocalStorage, once entered, makes every promise the process creates
 * from then on pay for a hook: about 12 % of POST /sum's throughput
 * (README, Observability); on Node 24 it costs next to nothing.
 *
 * The kit carries the trace itself (Context.trace) and makes a span ambient
 * only below endpoints whose code calls libraries OpenTelemetry instruments
 * (kit/tracing's `ambient` option: the services that keep data, for pg). The
 * one other caller is the SDK's BatchSpanProcessor, which enters a context
 * that only suppresses tracing around each export. Until something else has
 * been entered, that one is active for the synchronous extent of its
 * callback alone: no span is ambient anywhere then, so nothing below an
 * export could be traced as a child of a request, and the instrumentations
 * start no span without a parent (src/telemetry.ts).
 */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { isTracingSuppressed } from '@opentelemetry/core'
import { type Context, trace } from '@opentelemetry/api'

/** LazyContextManager is AsyncLocalStorageContextManager, entered only from the first context that carries more than "suppress tracing". */
export class LazyContextManager extends AsyncLocalStorageContextManager {
  #live = false
  #current: Context | undefined = undefined

  /** live is true once the AsyncLocalStorage has been entered; from then on this is the SDK's manager exactly. */
  get live(): boolean {
    return this.#live
  }

  override active(): Context {
    return this.#current ?? super.active()
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    if (this.#live || !suppressesOnly(context)) {
      this.#live = true
      // Inside a suppress-only callback still running, the storage holds the context from here on.
      const outer = this.#current
      this.#current = undefined
      try {
        return super.with(context, fn, thisArg, ...args)
      } finally {
        this.#current = outer
      }
    }
    const previous = this.#current
    this.#current = context
    try {
      return fn.call(thisArg, ...args)
    } finally {
      this.#current = previous
    }
  }

  override attach(context: Context): ReturnType<AsyncLocalStorageContextManager['attach']> {
    this.#live = true
    return super.attach(context)
  }
}

/** suppressesOnly says context carries no span and suppresses tracing: BatchSpanProcessor's context around an export. */
function suppressesOnly(context: Context): boolean {
  return isTracingSuppressed(context) && trace.getSpan(context) === undefined
}
