/**
 * The bookkeeping every watching Instancer shares (Go kit's
 * sd/internal/instance.Cache): it holds the last event, tells subscribers
 * only about real changes, and on a backend error keeps the last good list
 * and reports the error beside it, so a registry hiccup never empties a
 * pool. Instances are normalized (a bare host:port gets http://), sorted
 * and deduplicated. The etcd, ZooKeeper and Consul instancers feed it.
 */
import { type Event, type Instancer, normalize } from './instancer.js'

/** Cache is an Instancer whose events its backend pushes in. */
export interface Cache {
  /** instancer is the read side handed to consumers; its stop() calls the backend's stop. */
  readonly instancer: Instancer
  /** update publishes a fresh list of instances (and clears any error). */
  update(instances: readonly string[]): void
  /** fail reports a backend error, keeping the last good list. */
  fail(err: unknown): void
  /** stopped reports whether stop() was called, so a backend's loop can end. */
  stopped(): boolean
}

/** cache returns an empty Cache; onStop releases the backend (a watch, a connection). */
export function cache(onStop: () => void): Cache {
  let event: Event = { instances: [] }
  const listeners = new Set<(e: Event) => void>()
  let done = false
  const publish = (next: Event): void => {
    if (done) return
    const same = next.instances.join(' ') === event.instances.join(' ') && next.err?.message === event.err?.message
    event = next
    if (!same) for (const l of listeners) l(event)
  }
  return {
    instancer: {
      current: () => event,
      subscribe(listener) {
        listeners.add(listener)
        listener(event)
        return () => listeners.delete(listener)
      },
      stop() {
        if (done) return
        done = true
        listeners.clear()
        onStop()
      },
    },
    update: (instances) => publish({ instances: [...new Set(instances.map(normalize))].sort() }),
    fail: (err) => publish({ instances: event.instances, err: err instanceof Error ? err : new Error(String(err)) }),
    stopped: () => done,
  }
}

/**
 * coalesce serializes a refresh: a call while one runs schedules exactly one
 * more run after it, so a burst of change notifications costs two reads and
 * the last read always starts after the last notification.
 */
export function coalesce(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  let again = false
  const run = async (): Promise<void> => {
    try {
      do {
        again = false
        await read()
      } while (again)
    } finally {
      running = undefined
    }
  }
  return () => {
    if (running) {
      again = true
      return running
    }
    return (running = run())
  }
}

/** errorMessage renders an unknown failure for a log line. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
