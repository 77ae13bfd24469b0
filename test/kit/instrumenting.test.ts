import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/kit/errors.js'
import * as kitmetrics from '../../src/kit/metrics.js'
import { instrumenting } from '../../src/middleware/index.js'
import { ctx } from '../helpers/nop.js'

class Refused extends DomainError {
  readonly code = 'REFUSED'
  constructor() {
    super('refused')
  }
}

describe('instrumenting', () => {
  it('observes every call by outcome: ok, domain_error, fault', async () => {
    const registry = new Registry()
    const duration = kitmetrics.histogram(registry, {
      name: 'test_duration_seconds',
      help: 'test',
      labelNames: ['service', 'method', 'transport', 'outcome'],
    })
    const e = instrumenting(duration.with({ service: 's', method: 'm' }))(async (_c, n: number) => {
      if (n === 1) throw new Refused()
      if (n === 2) throw new Error('boom')
      return n
    })
    await e(ctx(), 0)
    await e(ctx(), 0)
    await e(ctx(), 1).catch(() => {})
    await e(ctx(), 2).catch(() => {})
    const text = await registry.metrics()
    expect(text).toContain('test_duration_seconds_count{service="s",method="m",transport="local",outcome="ok"} 2')
    expect(text).toContain('test_duration_seconds_count{service="s",method="m",transport="local",outcome="domain_error"} 1')
    expect(text).toContain('test_duration_seconds_count{service="s",method="m",transport="local",outcome="fault"} 1')
  })
})
