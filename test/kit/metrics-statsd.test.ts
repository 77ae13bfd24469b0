// The StatsD provider (kit/metrics/statsd, hot-shots underneath) in its three
// flavors. Against Etsy's StatsD daemon (.ci/services/statsd.sh), read back
// through its management interface: plain StatsD puts label values into the
// name and sends histograms as timers; DogStatsD's tags arrive as Etsy's
// `name;k=v` keys. Against a UDP socket of this test, the exact datagrams of
// the tagged flavors: DogStatsD's `|#k:v` and Telegraf's `name,k=v`.
import { randomUUID } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import type { Provider } from '../../src/kit/metrics.js'
import { openProvider } from '../../src/kit/metrics/registry.js'
import { statsd } from '../../src/kit/metrics/statsd.js'
import { answers } from '../helpers/net.js'
import { log } from '../helpers/nop.js'

const up = await answers(8126)
if (!up) console.warn('statsd metrics test: Etsy StatsD part SKIPPED, no StatsD management interface answers on 127.0.0.1:8126 (.ci/services/statsd.sh start)')

const duration = {
  name: 'request_duration_seconds',
  help: 'Duration of endpoint calls in seconds.',
  labelNames: ['service', 'method', 'transport', 'outcome'],
} as const
const ints = { name: 'addsvc_integers_summed_total', help: 'Total count of integers summed.' }

/** admin sends one command to StatsD's management interface and returns its answer (up to END). */
async function admin(cmd: string): Promise<string> {
  const s = connect(8126, '127.0.0.1')
  s.setEncoding('ascii')
  let out = ''
  s.on('data', (d: string) => (out += d))
  await once(s, 'connect')
  s.write(`${cmd}\n`)
  const deadline = Date.now() + 2_000
  while (!out.includes('END') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  s.destroy()
  return out
}

/** value reads key's entry from a counters or timers dump (util.inspect of an object). */
function value(dump: string, key: string): string | undefined {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`'${k}': (\\[[^\\]]*\\]|[^,\\n}]+)`).exec(dump)?.[1]?.replace(/\s+/g, ' ').trim()
}

/** waitFor polls StatsD's dump of kind until key has an entry. */
async function waitFor(kind: 'counters' | 'timers', key: string): Promise<string> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const v = value(await admin(kind), key)
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${key} not in StatsD's ${kind} after 5 s`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(!up)('statsd provider against Etsy StatsD', () => {
  const prefix = `tskit_test_${randomUUID().slice(0, 8)}`
  afterAll(async () => {
    if (!up) return
    await admin(`delcounters ${prefix}.*`)
    await admin(`deltimers ${prefix}.*`)
  })

  it('statsd://: counter adds are summed into one count, histogram values become a timer named by the label values', async () => {
    const p = await openProvider(`statsd://127.0.0.1:8125?prefix=${prefix}.plain`, { log, intervalMs: 60_000 })
    const c = p.counter(ints)
    c.add(3)
    c.add(4)
    // Bound in two steps, as the instrumenting middleware does; the name follows labelNames order.
    const h = p.histogram(duration).with({ transport: 'http', service: 'addsvc' }).with({ outcome: 'ok', method: 'sum' })
    h.observe(0.001)
    h.observe(0.0025)
    await p.close()
    expect(await waitFor('counters', `${prefix}.plain.addsvc_integers_summed_total`)).toBe('7')
    expect(await waitFor('timers', `${prefix}.plain.request_duration_seconds.addsvc.sum.http.ok`)).toBe('[ 0.001, 0.0025 ]')
  })

  it('sends on the interval without waiting for close', async () => {
    const p = statsd({ host: '127.0.0.1', port: 8125, flavor: 'statsd', prefix: `${prefix}.tick`, intervalMs: 100, timeoutMs: 1_000, log })
    try {
      p.counter(ints).add(5)
      expect(await waitFor('counters', `${prefix}.tick.addsvc_integers_summed_total`)).toBe('5')
    } finally {
      await p.close()
    }
  })

  it('dogstatsd://: labels travel as tags, which Etsy StatsD files under name;k=v', async () => {
    const p = await openProvider(`dogstatsd://127.0.0.1:8125?prefix=${prefix}.dog`, { log, intervalMs: 60_000 })
    p.counter({ name: 'profilesvc_changes_total', help: 'changes', labelNames: ['change'] }).with({ change: 'created' }).add(2)
    await p.close()
    expect(await waitFor('counters', `${prefix}.dog.profilesvc_changes_total;change=created`)).toBe('2')
  })
})

describe('statsd provider datagrams (a UDP socket of this test)', () => {
  /** capture runs fn against a fresh provider on a local UDP socket and returns the lines received. */
  async function capture(flavor: 'dogstatsd' | 'telegraf', fn: (p: Provider) => void): Promise<string[]> {
    const sock = createSocket('udp4')
    const lines: string[] = []
    sock.on('message', (m) => lines.push(...m.toString().split('\n').filter(Boolean)))
    sock.bind(0, '127.0.0.1')
    await once(sock, 'listening')
    const p = statsd({ host: '127.0.0.1', port: sock.address().port, flavor, prefix: 'tskit', tags: { instance: 'i-1' }, intervalMs: 60_000, timeoutMs: 1_000, log })
    fn(p)
    await p.close()
    const deadline = Date.now() + 2_000
    while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    sock.close()
    return lines.sort()
  }
  const record = (p: Provider) => {
    p.counter(ints).add(3)
    p.counter(ints).add(4)
    p.histogram(duration).with({ service: 'addsvc', method: 'sum', transport: 'http', outcome: 'ok' }).observe(0.0012)
  }

  it('dogstatsd: one count per series, |#k:v tags in labelNames order after the provider tags, histograms as |h', async () => {
    expect(await capture('dogstatsd', record)).toEqual([
      'tskit.addsvc_integers_summed_total:7|c|#instance:i-1',
      'tskit.request_duration_seconds:0.0012|h|#instance:i-1,service:addsvc,method:sum,transport:http,outcome:ok',
    ])
  })

  it('telegraf: ,k=v tags after the name', async () => {
    expect(await capture('telegraf', record)).toEqual([
      'tskit.addsvc_integers_summed_total,instance=i-1:7|c',
      'tskit.request_duration_seconds,instance=i-1,service=addsvc,method=sum,transport=http,outcome=ok:0.0012|h',
    ])
  })
})
