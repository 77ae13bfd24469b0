// kit/metrics' Prometheus histogram keeps its own counts (prom-client's observe
// hashes the labels on every call) but must expose exactly what prom-client's
// Histogram exposes for the same observations: the same text on /metrics, the
// same JSON, default labels applied, reset emptying it, bad values refused.
import { Histogram as PromHistogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { histogram } from '../../src/kit/metrics.js'

const opts = { name: 'd_seconds', help: 'Durations.', labelNames: ['service', 'outcome'], buckets: [0.001, 0.01, 0.1] }
const observations: readonly [Record<string, string>, number][] = [
  [{ service: 'a', outcome: 'ok' }, 0.0005],
  [{ service: 'a', outcome: 'ok' }, 0.001],
  [{ service: 'a', outcome: 'ok' }, 0.05],
  [{ service: 'a', outcome: 'ok' }, 7],
  [{ service: 'a', outcome: 'fault' }, 0.002],
  [{ service: 'b' }, 0.02],
]

/** both returns a registry holding prom-client's histogram and one holding ours, fed the same observations. */
function both(): { theirs: Registry; ours: Registry } {
  const theirs = new Registry()
  const ours = new Registry()
  const p = new PromHistogram({ ...opts, registers: [theirs] })
  const h = histogram(ours, opts)
  for (const [labels, v] of observations) {
    p.observe(labels, v)
    // Bound in two steps, as the endpoint middlewares bind theirs.
    const { service, ...rest } = labels
    h.with({ service: service ?? '' }).with(rest).observe(v)
  }
  return { theirs, ours }
}

describe('prometheus histogram', () => {
  it('exposes what prom-client exposes, as text and as JSON', async () => {
    const { theirs, ours } = both()
    expect(await ours.metrics()).toBe(await theirs.metrics())
    // prom-client adds exemplar: null to each bucket, which nothing reads without exemplars on.
    const withoutExemplars = (ms: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      ms.map((m) => ({ ...m, values: m.values.map((v) => Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'exemplar'))) }))
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()))
  })

  it('applies the registry default labels, and reset empties it', async () => {
    const { theirs, ours } = both()
    for (const r of [theirs, ours]) r.setDefaultLabels({ instance: 'x' })
    const lines = async (r: Registry): Promise<string[]> =>
      (await r.metrics())
        .split('\n')
        .map((l) => l.replace(/\{([^}]*)\}/, (_, ls: string) => `{${ls.split(',').sort().join(',')}}`))
        .sort()
    expect(await lines(ours)).toEqual(await lines(theirs))
    expect(await ours.metrics()).toContain('instance="x"')
    ours.resetMetrics()
    expect(await ours.metrics()).not.toContain('d_seconds_count')
  })

  it('refuses a value that is not a finite number and a label it was not given', () => {
    const h = histogram(new Registry(), opts)
    expect(() => h.with({ service: 'a', outcome: 'ok' }).observe(Number.NaN)).toThrow(/finite/)
    expect(() => h.with({ region: 'eu' }).observe(1)).toThrow(/unknown label region/)
  })
})
