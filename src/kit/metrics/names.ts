/**
 * How a metric's labels become what a backend without tags can store, shared
 * by the push backends so they all agree: labels are put in the order the
 * metric's labelNames list them (a series is the same series however `with`
 * calls were nested), and for Graphite and plain StatsD, which know only
 * dotted names, each value becomes one path segment after the metric name:
 * request_duration_seconds{service="addsvc",method="sum",transport="http",
 * outcome="ok"} is request_duration_seconds.addsvc.sum.http.ok.
 */
import type { Labels, MetricOptions } from '../metrics.js'

/** Series names one time series: the metric, and its label values in labelNames order. */
export interface Series {
  readonly name: string
  readonly labels: readonly (readonly [string, string])[]
}

/** series orders labels as opts.labelNames lists them; any others (which Prometheus would refuse) follow by name. */
export function series(opts: MetricOptions, labels: Labels): Series {
  const names = opts.labelNames ?? []
  const known = names.filter((n) => n in labels)
  const extra = Object.keys(labels)
    .filter((n) => !names.includes(n))
    .sort()
  return { name: opts.name, labels: [...known, ...extra].map((n) => [n, labels[n] ?? ''] as const) }
}

/** dotted is the series as one dotted name: the metric name, then each label value as a segment. */
export function dotted(s: Series): string {
  return [s.name, ...s.labels.map(([, v]) => v)].map(segment).join('.')
}

/** segment makes one path segment: characters outside [A-Za-z0-9_-] (dots, spaces, slashes) become `_`, and empty is `_`. */
export function segment(v: string): string {
  return v === '' ? '_' : v.replace(/[^A-Za-z0-9_-]/g, '_')
}
