/**
 * A Batch collects observations between two pushes of a push backend, as Go
 * kit's influx, graphite and statsd packages do with their in-memory
 * label-value spaces: counters are summed per series, histograms keep count,
 * sum and a sample for quantiles, and `drain` hands over what was seen since
 * the last drain and starts afresh. A series is a metric name plus its label
 * values (see names.ts); each bound metric holds its series' cell, so `add`
 * and `observe` are a few arithmetic operations, with no lookup. The sample
 * is a reservoir (Vitter's algorithm R) of at most sampleSize values, so a
 * busy series costs bounded memory however many requests an interval sees;
 * count and sum stay exact.
 */
import type { Counter, Histogram, Labels, MetricOptions } from '../metrics.js'
import { type Series, series } from './names.js'

/** CounterPoint is one counter series' sum of adds since the last drain. */
export interface CounterPoint extends Series {
  readonly value: number
}

/** quantiles are the ones Go kit's influx and graphite backends report, by field name. */
export const quantiles = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const

/** HistogramPoint is one histogram series' observations since the last drain. */
export interface HistogramPoint extends Series {
  readonly count: number
  readonly sum: number
  /** quantiles are p50, p90, p95 and p99 of the sample (nearest rank). */
  readonly quantiles: Readonly<Record<(typeof quantiles)[number][0], number>>
}

/** Snapshot is everything a drain hands over; series without observations are left out. */
export interface Snapshot {
  readonly counters: readonly CounterPoint[]
  readonly histograms: readonly HistogramPoint[]
}

/** Batch makes metrics that record into it, and drains them for a push. */
export interface Batch {
  counter(opts: MetricOptions): Counter
  histogram(opts: MetricOptions): Histogram
  drain(): Snapshot
}

interface CounterCell extends Series {
  n: number
  value: number
}

interface HistogramCell extends Series {
  count: number
  sum: number
  sample: number[]
}

/** batch returns an empty Batch; sampleSize bounds each histogram series' sample (default 1024). */
export function batch(sampleSize = 1024): Batch {
  const counterCells = new Map<string, CounterCell>()
  const histogramCells = new Map<string, HistogramCell>()

  const counter = (opts: MetricOptions, labels: Labels): Counter => {
    const cell = cellFor(counterCells, opts, labels, (s) => ({ ...s, n: 0, value: 0 }))
    return {
      with: (more) => counter(opts, { ...labels, ...more }),
      add: (delta) => {
        cell.n++
        cell.value += delta
      },
    }
  }
  const histogram = (opts: MetricOptions, labels: Labels): Histogram => {
    const cell = cellFor(histogramCells, opts, labels, (s) => ({ ...s, count: 0, sum: 0, sample: [] }))
    return {
      with: (more) => histogram(opts, { ...labels, ...more }),
      observe: (v) => {
        cell.count++
        cell.sum += v
        if (cell.sample.length < sampleSize) cell.sample.push(v)
        else {
          const j = Math.floor(Math.random() * cell.count)
          if (j < sampleSize) cell.sample[j] = v
        }
      },
    }
  }

  return {
    counter: (opts) => counter(opts, {}),
    histogram: (opts) => histogram(opts, {}),
    drain() {
      const counters: CounterPoint[] = []
      for (const c of counterCells.values()) {
        if (c.n === 0) continue
        counters.push({ name: c.name, labels: c.labels, value: c.value })
        c.n = 0
        c.value = 0
      }
      const histograms: HistogramPoint[] = []
      for (const h of histogramCells.values()) {
        if (h.count === 0) continue
        const sorted = h.sample.sort((a, b) => a - b)
        const q = Object.fromEntries(quantiles.map(([k, p]) => [k, rank(sorted, p)])) as HistogramPoint['quantiles']
        histograms.push({ name: h.name, labels: h.labels, count: h.count, sum: h.sum, quantiles: q })
        h.count = 0
        h.sum = 0
        h.sample = []
      }
      return { counters, histograms }
    },
  }
}

/** cellFor returns the cell of the series (opts.name, labels), creating it on first use. */
function cellFor<C extends Series>(cells: Map<string, C>, opts: MetricOptions, labels: Labels, make: (s: Series) => C): C {
  const s = series(opts, labels)
  const key = JSON.stringify([s.name, s.labels])
  let cell = cells.get(key)
  if (cell === undefined) {
    cell = make(s)
    cells.set(key, cell)
  }
  return cell
}

/** rank is the nearest-rank quantile p of a sorted, non-empty sample. */
function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0
}
