/**
 * Group holds a process's listeners and the resources they use, as Go kit's
 * examples hold theirs in a run.Group: whatever is added is started and
 * stopped by the group, so the order is a property of the code, not of a
 * comment. listen() binds the listeners in the order they were added;
 * close() first flags the process as closing (readiness fails, so a load
 * balancer stops sending), stops the listeners in reverse order (each
 * draining what it has in flight), then releases the resources in reverse
 * order of creation: a resource always outlives every listener that might
 * still use it.
 */
import type { Logger } from './log.js'

interface Listener {
  readonly name: string
  readonly listen: () => Promise<unknown>
  readonly close: () => Promise<void>
}

interface Resource {
  readonly name: string
  readonly close: () => Promise<void> | void
}

/** Group starts listeners in order and stops them, then their resources, in reverse. */
export class Group {
  readonly #listeners: Listener[] = []
  readonly #resources: Resource[] = []
  readonly #log: Logger | undefined
  #closing = false

  constructor(log?: Logger) {
    this.#log = log
  }

  /** closing is true once close() has begun: readiness checks report it. */
  get closing(): boolean {
    return this.#closing
  }

  /** listener adds something that takes traffic: listen binds it, close stops it and drains. */
  listener(name: string, listen: () => Promise<unknown>, close: () => Promise<void>): void {
    this.#listeners.push({ name, listen, close })
  }

  /** resource adds something listeners use (a pool, a connection, a timer), released after every listener stopped. */
  resource(name: string, close: () => Promise<void> | void): void {
    this.#resources.push({ name, close })
  }

  /** listen binds every listener in the order added; a failure stops the ones already bound and rethrows. */
  async listen(): Promise<void> {
    for (const [i, l] of this.#listeners.entries()) {
      try {
        await l.listen()
      } catch (err) {
        for (const started of this.#listeners.slice(0, i).reverse()) await started.close().catch(() => {})
        throw err
      }
    }
  }

  /** close stops listeners in reverse order, then releases resources in reverse order; one failure does not stop the rest. */
  async close(): Promise<void> {
    this.#closing = true
    for (const l of [...this.#listeners].reverse()) await this.#step(l.name, l.close)
    for (const r of [...this.#resources].reverse()) await this.#step(r.name, r.close)
  }

  async #step(name: string, close: () => Promise<void> | void): Promise<void> {
    try {
      await close()
    } catch (err) {
      this.#log?.warn('close failed', { component: name, err: err instanceof Error ? err.message : String(err) })
    }
  }
}
