// Cancellation without AbortSignals (kit/context's Cancel): a RequestContext
// cancelled through a Cancel shows it on ctx.signal too, with its reason; a
// derived or deadline-bound child follows its parent; and through real
// servers on loopback, a caller that goes away from an edge cancels the
// edge's upstream HTTP call (undici takes the Cancel as its signal), so the
// upstream sees its request closed.
import Fastify from 'fastify'
import { request } from 'undici'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { Cancel, cancellationOf, derive, onAbort, RequestContext } from '../../src/kit/context.js'
import { withDeadline } from '../../src/kit/deadline.js'
import { CancelledError, DeadlineExceededError } from '../../src/kit/errors.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import { client } from '../../src/kit/transport/http-client.js'
import { handler } from '../../src/kit/transport/http-server.js'
import { log } from '../helpers/nop.js'

const closers: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const c of closers.reverse()) await c()
})

describe('Cancel', () => {
  it('cancels a RequestContext, and its signal, built afterwards or before, carries the reason', () => {
    const cancel = new Cancel()
    const ctx = new RequestContext({ requestId: 'r' }, () => cancel)
    expect(cancellationOf(ctx)).toBe(cancel)
    const early = ctx.signal
    expect(early.aborted).toBe(false)
    const reason = new CancelledError()
    cancel.abort(reason)
    cancel.abort(new Error('later'))
    expect(early.aborted).toBe(true)
    expect(early.reason).toBe(reason)
    const late = new RequestContext({ requestId: 'r' }, () => cancel)
    expect(late.signal.reason).toBe(reason)
  })

  it('is followed by derived children and by a deadline-bound child, which settles at once', async () => {
    const cancel = new Cancel()
    const ctx = new RequestContext({ requestId: 'r' }, () => cancel)
    const child = derive(ctx, { trace: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })
    expect(cancellationOf(child)).toBe(cancel)
    let seen: unknown
    const call = withDeadline(ctx, Date.now() + 10_000, (c) => {
      const inner = cancellationOf(c)
      onAbort(inner, () => (seen = inner.reason))
      return new Promise<never>(() => {})
    })
    cancel.abort(new CancelledError())
    await expect(call).rejects.toBeInstanceOf(CancelledError)
    expect(seen).toBeInstanceOf(CancelledError)
  })

  it('tells a deadline-bound child its deadline passed', async () => {
    let reason: unknown
    const call = withDeadline(new RequestContext({ requestId: 'r' }, () => new Cancel()), Date.now() + 50, (c) => {
      const inner = cancellationOf(c)
      onAbort(inner, () => (reason = inner.reason))
      return new Promise<never>(() => {})
    })
    await expect(call).rejects.toBeInstanceOf(DeadlineExceededError)
    expect(reason).toBeInstanceOf(DeadlineExceededError)
  })
})

describe('a caller going away from an edge', () => {
  it("cancels the edge's upstream call: the upstream sees its request closed", async () => {
    let upstreamClosed = false
    let upstreamGot = false
    const upstream = Fastify({ forceCloseConnections: true })
    upstream.post('/slow', (req, _reply) => {
      upstreamGot = true
      req.raw.socket.once('close', () => (upstreamClosed = true))
      // Never answers.
    })
    const upstreamUrl = await upstream.listen({ host: '127.0.0.1', port: 0 })
    closers.push(() => upstream.close())

    const remote = client<{ n: number }, unknown>({ method: 'POST', url: new URL('/slow', upstreamUrl), decodeError: () => undefined })
    const edge = await httpApp({ log, bodyLimit: 1024, title: 't', version: '1', docs: false })
    edge.post('/proxy', handler(remote, (r) => r.body as { n: number }))
    const edgeUrl = await edge.listen({ host: '127.0.0.1', port: 0 })
    closers.push(() => edge.close())

    const ac = new AbortController()
    const call = request(`${edgeUrl}/proxy`, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' }, signal: ac.signal })
    await vi.waitFor(() => expect(upstreamGot).toBe(true), { timeout: 5_000 })
    ac.abort()
    await expect(call).rejects.toThrow()
    await vi.waitFor(() => expect(upstreamClosed).toBe(true), { timeout: 5_000 })
  })
})
