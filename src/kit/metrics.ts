/**
 * Metrics are dependencies with two verbs, as in Go kit's metrics package:
 * a Counter adds, a Histogram observes, and `with` binds label values. The
 * prom-client adapters register on an explicit Registry handed in by main,
 * never prom-client's global one, so two instances in one process (tests, a
 * monolith hosting every service) never collide. A Provider (Go kit's
 * metrics/provider) makes metrics for one backend: `prometheus(registry)`
 * here, the push backends in ./metrics/ (StatsD, InfluxDB, Graphite, opened by
 * URL through ./metrics/registry.ts), and `multi` fans every metric out to
 * several of them at once (Go kit's metrics/multi).
 */
import { type Metric, Counter as PromCounter, type Registry } from 'prom-client'

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

/**
 * histogram registers a histogram on registry and adapts it to Histogram.
 * prom-client's own observe validates and hashes the label set on every call
 * (about 1.5 µs, a tenth of a small route's time); here each label set's
 * counts are plain numbers, found once at bind time, and the registry reads
 * them in prom-client's own shape (Buckets.get), so its exposition format,
 * default labels and /metrics stay prom-client's.
 */
export function histogram(registry: Registry, opts: MetricOptions): Histogram {
  const buckets = new Buckets(opts)
  registry.registerMetric(buckets as unknown as Metric)
  const bound = (labels: Labels): Histogram => {
    // A label set is bound once every label is known; until then each observe finds its series.
    const complete = (opts.labelNames ?? []).every((n) => n in labels)
    const series = complete ? buckets.series(labels) : undefined
    return {
      with: (more) => bound({ ...labels, ...more }),
      observe: (v) => (series ?? buckets.series(labels)).observe(v),
    }
  }
  return bound({})
}

/** Series are one label set's counts: per bucket (not cumulative), sum and count. */
class Series {
  readonly labels: Labels
  readonly counts: Float64Array
  sum = 0
  count = 0
  private readonly bounds: readonly number[]
  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels
    this.bounds = bounds
    this.counts = new Float64Array(bounds.length)
  }
  observe(v: number): void {
    if (!Number.isFinite(v)) throw new TypeError(`histogram: value is not a finite number: ${v}`)
    this.sum += v
    this.count += 1
    const bounds = this.bounds
    for (let i = 0; i < bounds.length; i++) {
      if (v <= (bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1
        return
      }
    }
  }
}

/** Buckets holds a histogram's series and answers the registry as prom-client's Histogram does (name, help, type, get, reset). */
class Buckets {
  readonly name: string
  readonly help: string
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  private readonly bounds: readonly number[]
  private readonly labelNames: readonly string[]
  private readonly all = new Map<string, Series>()
  constructor(opts: MetricOptions) {
    this.name = opts.name
    this.help = opts.help
    this.bounds = [...(opts.buckets ?? defaultBuckets)].sort((a, b) => a - b)
    this.labelNames = opts.labelNames ?? []
  }
  /** series returns the counts of one label set, creating them on first use; unknown label names throw, as prom-client's do. */
  series(labels: Labels): Series {
    const key = this.labelNames.map((n) => labels[n] ?? '\u0000').join('\u0001')
    let s = this.all.get(key)
    if (s === undefined) {
      const unknown = Object.keys(labels).find((n) => !this.labelNames.includes(n))
      if (unknown !== undefined) throw new Error(`histogram ${this.name}: unknown label ${unknown}`)
      s = new Series(labels, this.bounds)
      this.all.set(key, s)
    }
    return s
  }
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Labels | Record<string, string | number>; value: number; metricName: string }[] }> {
    const values = []
    for (const s of this.all.values()) {
      let cumulative = 0
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i] ?? 0
        values.push({ labels: { le: this.bounds[i] ?? 0, ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` })
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` })
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` })
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }
  reset(): void {
    this.all.clear()
  }
}

/** defaultBuckets are prom-client's, for a histogram that names none. */
const defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** discard returns metrics that record nothing (Go kit's metrics/discard), for tests. */
export function discard(): { counter: Counter; histogram: Histogram } {
  const c: Counter = { with: () => c, add: () => {} }
  const h: Histogram = { with: () => h, observe: () => {} }
  return { counter: c, histogram: h }
}

/**
 * Provider makes the metrics of one backend from the same options, so main
 * can send every metric to Prometheus and to a push backend alike (Go kit's
 * metrics/provider). close flushes what a push backend has buffered and stops
 * its timers; it never throws.
 */
export interface Provider {
  counter(opts: MetricOptions): Counter
  histogram(opts: MetricOptions): Histogram
  close(): Promise<void>
}

/** prometheus adapts the counter and histogram adapters above to a Provider; the registry is scraped, so close has nothing to flush. */
export function prometheus(registry: Registry): Provider {
  return {
    counter: (opts) => counter(registry, opts),
    histogram: (opts) => histogram(registry, opts),
    close: async () => {},
  }
}

/**
 * multi returns a Provider whose every metric fans out to all providers
 * (Go kit's metrics/multi): `with` binds on each, `add` and `observe` reach
 * each. close closes them all, concurrently.
 */
export function multi(...providers: readonly Provider[]): Provider {
  const counters = (cs: readonly Counter[]): Counter => ({
    with: (labels) => counters(cs.map((c) => c.with(labels))),
    add: (delta) => {
      for (const c of cs) c.add(delta)
    },
  })
  const histograms = (hs: readonly Histogram[]): Histogram => ({
    with: (labels) => histograms(hs.map((h) => h.with(labels))),
    observe: (v) => {
      for (const h of hs) h.observe(v)
    },
  })
  return {
    counter: (opts) => counters(providers.map((p) => p.counter(opts))),
    histogram: (opts) => histograms(providers.map((p) => p.histogram(opts))),
    close: async () => {
      await Promise.allSettled(providers.map((p) => p.close()))
    },
  }
}
