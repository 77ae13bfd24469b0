/**
 * Metrics are dependencies with two verbs, as in Go kit's metrics package:
 * a Counter adds, a Histogram observes, and `with` binds label values. The
 * prom-client adapters register on an explicit Registry handed in by main,
 * never prom-client's global one, so two instances in one process (tests, a
 * monolith hosting every service) never collide.
 */
import { Counter as PromCounter, Histogram as PromHistogram, type Registry } from 'prom-client'

/** Labels bind label names to values. */
export type Labels = Readonly<Record<string, string>>

/** Counter only goes up: requests served, integers summed. */
export interface Counter {
  /** with returns the counter with some labels bound; bind once, outside the hot path. */
  with(labels: Labels): Counter
  add(delta: number): void
}

/** Histogram records a distribution: request durations. */
export interface Histogram {
  /** with returns the histogram with some labels bound; bind once, outside the hot path. */
  with(labels: Labels): Histogram
  observe(value: number): void
}

/** MetricOptions names and describes a metric; labelNames lists every label it may carry. */
export interface MetricOptions {
  readonly name: string
  readonly help: string
  readonly labelNames?: readonly string[]
  /** buckets are the histogram's upper bounds (seconds for durations). */
  readonly buckets?: readonly number[]
}

/** counter registers a prom-client counter on registry and adapts it to Counter. */
export function counter(registry: Registry, opts: MetricOptions): Counter {
  const c = new PromCounter({ name: opts.name, help: opts.help, labelNames: opts.labelNames ?? [], registers: [registry] })
  const bound = (labels: Labels): Counter => {
    const child = Object.keys(labels).length === 0 ? c : c.labels(labels)
    return {
      with: (more) => bound({ ...labels, ...more }),
      add: (delta) => child.inc(delta),
    }
  }
  return bound({})
}

/** histogram registers a prom-client histogram on registry and adapts it to Histogram. */
export function histogram(registry: Registry, opts: MetricOptions): Histogram {
  const h = new PromHistogram({
    name: opts.name,
    help: opts.help,
    labelNames: opts.labelNames ?? [],
    registers: [registry],
    ...(opts.buckets ? { buckets: [...opts.buckets] } : {}),
  })
  const bound = (labels: Labels): Histogram => {
    // prom-client's labels() needs every label; bind a child only once all are known.
    const complete = (opts.labelNames ?? []).every((n) => n in labels)
    const child = complete && Object.keys(labels).length > 0 ? h.labels(labels) : undefined
    return {
      with: (more) => bound({ ...labels, ...more }),
      observe: (v) => (child ? child.observe(v) : h.observe(labels, v)),
    }
  }
  return bound({})
}

/** discard returns metrics that record nothing (Go kit's metrics/discard), for tests. */
export function discard(): { counter: Counter; histogram: Histogram } {
  const c: Counter = { with: () => c, add: () => {} }
  const h: Histogram = { with: () => h, observe: () => {} }
  return { counter: c, histogram: h }
}
