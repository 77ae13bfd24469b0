// kit/otel-context's LazyContextManager on the real OpenTelemetry API and
// core: BatchSpanProcessor's "suppress tracing" context holds for the
// synchronous extent of its callback without entering the AsyncLocalStorage;
// any other context enters it, and from then on contexts (suppression
// included) follow every await, as the SDK's own manager does.
import { setTimeout as sleep } from 'node:timers/promises'
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core'
import { afterEach, describe, expect, it } from 'vitest'
import { LazyContextManager } from '../../src/kit/otel-context.js'

const spanContext = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 }

describe('LazyContextManager', () => {
  afterEach(() => context.disable())

  /** install makes a fresh manager the global one, as the SDK does. */
  const install = (): LazyContextManager => {
    const m = new LazyContextManager()
    context.setGlobalContextManager(m.enable())
    return m
  }

  it('runs a suppress-only context for its synchronous extent, without going live', async () => {
    const m = install()
    const seen = context.with(suppressTracing(context.active()), () => {
      const inside = isTracingSuppressed(context.active())
      return sleep(1).then(() => ({ inside, afterAwait: isTracingSuppressed(context.active()) }))
    })
    expect(isTracingSuppressed(context.active())).toBe(false)
    expect(await seen).toEqual({ inside: true, afterAwait: false })
    expect(m.live).toBe(false)
  })

  it('goes live for a context that carries a span, which then follows every await', async () => {
    const m = install()
    const parent = trace.setSpanContext(ROOT_CONTEXT, spanContext)
    const seen = await context.with(parent, async () => {
      await sleep(1)
      return trace.getSpanContext(context.active())?.spanId
    })
    expect(seen).toBe(spanContext.spanId)
    expect(m.live).toBe(true)
    expect(trace.getSpanContext(context.active())).toBeUndefined()
  })

  it('once live, carries suppression across awaits too', async () => {
    install()
    context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => {})
    const seen = await context.with(suppressTracing(ROOT_CONTEXT), async () => {
      await sleep(1)
      return isTracingSuppressed(context.active())
    })
    expect(seen).toBe(true)
  })

  it('nests: a span entered inside a suppress-only callback goes live and keeps its parent across awaits', async () => {
    const m = install()
    const seen = await context.with(suppressTracing(ROOT_CONTEXT), () =>
      context.with(trace.setSpanContext(context.active(), spanContext), async () => {
        const before = { span: trace.getSpanContext(context.active())?.spanId, suppressed: isTracingSuppressed(context.active()) }
        await sleep(1)
        return { before, after: { span: trace.getSpanContext(context.active())?.spanId, suppressed: isTracingSuppressed(context.active()) } }
      }),
    )
    expect(seen).toEqual({ before: { span: spanContext.spanId, suppressed: true }, after: { span: spanContext.spanId, suppressed: true } })
    expect(m.live).toBe(true)
  })
})
