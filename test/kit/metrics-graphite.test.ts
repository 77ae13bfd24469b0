// The Graphite provider (kit/metrics/graphite) against a real carbon-cache
// (.ci/services/carbon.sh: 1-second resolution, whisper files under
// /tmp/tskit-carbon/storage/whisper, or CARBON_WHISPER_DIR), read back from
// the whisper files with python3-whisper's whisper-fetch: labels become path
// segments after the prefix, a counter is its running total, a histogram
// count, sum and Go kit's p50…p99; points arrive on the interval and on close. The
// test's prefix is a fresh directory, removed afterwards.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { graphite } from '../../src/kit/metrics/graphite.js'
import { openProvider } from '../../src/kit/metrics/registry.js'
import { answers } from '../helpers/net.js'
import { log } from '../helpers/nop.js'

const whisperDir = process.env.CARBON_WHISPER_DIR ?? '/tmp/tskit-carbon/storage/whisper'
const up = (await answers(2003)) && existsSync(whisperDir)
if (!up) console.warn(`graphite metrics test SKIPPED: no carbon answers on 127.0.0.1:2003 with whisper files in ${whisperDir} (.ci/services/carbon.sh start)`)

const duration = {
  name: 'request_duration_seconds',
  help: 'Duration of endpoint calls in seconds.',
  labelNames: ['service', 'method', 'transport', 'outcome'],
} as const
const ints = { name: 'addsvc_integers_summed_total', help: 'Total count of integers summed.' }

/** points reads the non-null values of a metric path from its whisper file, polling until done holds (by default: any value). */
async function points(path: string, done = (values: number[]) => values.length > 0): Promise<number[]> {
  const file = join(whisperDir, ...path.split('.')) + '.wsp'
  const deadline = Date.now() + 10_000
  for (;;) {
    if (existsSync(file)) {
      const from = Math.floor(Date.now() / 1000) - 120
      const { stdout } = await promisify(execFile)('whisper-fetch', ['--json', `--from=${from}`, '--drop=nulls', file])
      const values = (JSON.parse(stdout) as { values: (number | null)[] }).values.filter((v) => v !== null)
      if (done(values)) return values
    }
    if (Date.now() > deadline) throw new Error(`${path}: not the points wanted in ${file} after 10 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.skipIf(!up)('graphite provider against carbon', () => {
  const prefix = `tskit_test_${randomUUID().slice(0, 8)}`
  afterAll(async () => {
    if (up) await rm(join(whisperDir, prefix), { recursive: true, force: true })
  })

  it('close writes the counter as one value and the histogram as count, sum and quantiles, labels in the path', async () => {
    const p = await openProvider(`graphite://127.0.0.1:2003/${prefix}/close`, { log, intervalMs: 60_000 })
    const c = p.counter(ints)
    c.add(3)
    c.add(4)
    const h = p.histogram(duration).with({ transport: 'http', outcome: 'ok' }).with({ service: 'addsvc', method: 'sum' })
    for (const v of [0.001, 0.002, 0.003, 0.004]) h.observe(v)
    await p.close()
    expect(await points(`${prefix}.close.addsvc_integers_summed_total`)).toEqual([7])
    const path = `${prefix}.close.request_duration_seconds.addsvc.sum.http.ok`
    expect(await points(`${path}.count`)).toEqual([4])
    expect((await points(`${path}.sum`))[0]).toBeCloseTo(0.01, 10)
    expect(await points(`${path}.p50`)).toEqual([0.002])
    expect(await points(`${path}.p99`)).toEqual([0.004])
  })

  it('writes on the interval, a counter as its running total every interval', async () => {
    // Carbon keeps one value per second here: an interval above a second keeps every write.
    const p = graphite({ host: '127.0.0.1', port: 2003, prefix: `${prefix}.tick`, intervalMs: 1_100, timeoutMs: 1_000, log })
    const path = `${prefix}.tick.addsvc_integers_summed_total`
    try {
      const c = p.counter(ints)
      c.add(2)
      // The file may already hold more than one interval's write when first read: each is the total, 2.
      expect(new Set(await points(path))).toEqual(new Set([2]))
      // An interval with no adds writes the total again.
      const again = await points(path, (v) => v.length >= 2)
      expect(new Set(again)).toEqual(new Set([2]))
      c.add(5)
      const values = await points(path, (v) => v.at(-1) === 7)
      expect(values.filter((v) => v !== 2 && v !== 7)).toEqual([])
    } finally {
      await p.close()
    }
  })
})
