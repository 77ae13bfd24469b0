/**
 * pushLoop is Go kit's WriteLoop for the push backends (InfluxDB, Graphite,
 * StatsD's counters): a timer that calls push every intervalMs, each call
 * bounded by timeoutMs (its signal aborts), never two at once (a push still
 * running when the next tick comes makes that tick skip), and a failure is
 * logged, not thrown: the next tick simply tries again, so a backend that is
 * down costs a log line, never a request. Only a change is logged at warn
 * (the first failure, and the recovery at info; repeats at debug), so an
 * outage does not flood the log. The timer is unref'd: metrics never keep a
 * process alive. close stops the timer, waits for a push in flight, then
 * pushes once more, so what was buffered is sent.
 */
import type { Logger } from '../log.js'

/** PushOptions set the cadence and bound of a push loop. */
export interface PushOptions {
  /** intervalMs is the time between pushes (Go kit's ticker). */
  readonly intervalMs: number
  /** timeoutMs bounds one push, close's final one included. */
  readonly timeoutMs: number
  readonly log: Logger
}

/** PushLoop is a running loop; close flushes once and stops it. */
export interface PushLoop {
  close(): Promise<void>
}

/**
 * pushLoop starts calling push(signal) every intervalMs until closed. push
 * resolves to whether it sent anything: an interval with nothing to send
 * proves nothing about the backend, so it neither ends nor starts an outage.
 */
export function pushLoop(push: (signal: AbortSignal) => Promise<boolean>, opts: PushOptions): PushLoop {
  let running: Promise<void> | undefined
  let failing = false
  const once = async (): Promise<void> => {
    const signal = AbortSignal.timeout(opts.timeoutMs)
    try {
      // The race bounds a push even if it ignored its signal.
      const sent = await Promise.race([push(signal), aborted(signal)])
      if (sent && failing) opts.log.info('metrics push recovered')
      if (sent) failing = false
    } catch (err) {
      const fields = { err: err instanceof Error ? err.message : String(err) }
      if (failing) opts.log.debug('metrics push failed again', fields)
      else opts.log.warn('metrics push failed; retrying every interval', fields)
      failing = true
    }
  }
  const tick = () => {
    if (running !== undefined) return
    running = once().finally(() => (running = undefined))
  }
  const timer = setInterval(tick, opts.intervalMs)
  timer.unref()
  return {
    async close() {
      clearInterval(timer)
      await running
      await once()
    },
  }
}

/** aborted rejects with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
}
