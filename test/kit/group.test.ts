// kit/group.ts with real listeners: the kit's HTTP app serving echosvc on
// loopback ports, stopped with drain as main stops its own. Listeners bind in
// the order added; close flags the group as closing, stops the listeners in
// reverse (a request in flight still finishes, with its resources open),
// then releases the resources in reverse; a listener that cannot bind stops
// the ones already bound; a close step that fails is logged and skipped.
import { once } from 'node:events'
import { createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { Group } from '../../src/kit/group.js'
import { fromPino } from '../../src/kit/log.js'
import { drain } from '../../src/kit/transport/http-app.js'
import * as echosvc from '../helpers/echosvc.js'
import { answers } from '../helpers/net.js'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

/** app returns echosvc's HTTP app over svc, closed after the test whatever happens. */
async function app(svc?: echosvc.Service): Promise<FastifyInstance> {
  const a = await echosvc.server(echosvc.endpoints(svc))
  cleanup.push(() => a.close())
  return a
}

/** portOf returns the loopback port a fastify app listens on. */
const portOf = (a: FastifyInstance): number => (a.server.address() as { port: number }).port

describe('Group', () => {
  it('binds listeners in order; close stops them in reverse, then releases resources in reverse', async () => {
    const events: string[] = []
    const pool = { open: true }
    let arrived: () => void = () => {}
    const arrival = new Promise<void>((r) => (arrived = r))
    // A slow echo that uses the pool only after the group has begun to close.
    const slow: echosvc.Service = {
      ...echosvc.makeBasic(),
      async echo(_ctx, s) {
        arrived()
        await new Promise((r) => setTimeout(r, 150))
        return pool.open ? s : 'pool closed under a request'
      },
    }
    const g = new Group()
    const pub = await app(slow)
    const admin = await app()
    g.resource('pool', () => void (events.push('release pool'), (pool.open = false)))
    g.resource('cache', () => void events.push('release cache'))
    g.listener('public', async () => (events.push('bind public'), pub.listen({ host: '127.0.0.1', port: 0 })), async () => {
      events.push('stop public')
      await drain(pub)
    })
    g.listener('admin', async () => (events.push('bind admin'), admin.listen({ host: '127.0.0.1', port: 0 })), async () => {
      events.push('stop admin')
      await drain(admin)
    })
    await g.listen()
    expect(events).toEqual(['bind public', 'bind admin'])
    const ports = [portOf(pub), portOf(admin)]
    for (const p of ports) expect(await answers(p)).toBe(true)

    const inflight = request(`http://127.0.0.1:${ports[0]}/echo`, { method: 'POST', body: '{"s":"finished"}' })
    await arrival
    await g.close()
    expect(events).toEqual(['bind public', 'bind admin', 'stop admin', 'stop public', 'release cache', 'release pool'])
    const res = await inflight
    expect(res.statusCode).toBe(200)
    expect(await res.body.json()).toEqual({ v: 'finished' })
    for (const p of ports) expect(await answers(p)).toBe(false)
  })

  it('is closing before the first listener stops, so readiness fails before traffic stops', async () => {
    const g = new Group()
    const seen: boolean[] = []
    g.listener('first', async () => {}, async () => void seen.push(g.closing))
    g.listener('last', async () => {}, async () => void seen.push(g.closing))
    await g.listen()
    expect(g.closing).toBe(false)
    await g.close()
    expect(seen).toEqual([true, true])
    expect(g.closing).toBe(true)
  })

  it('stops the listeners already bound when one cannot bind, and rethrows its error', async () => {
    const taken = createServer().listen(0, '127.0.0.1')
    await once(taken, 'listening')
    cleanup.push(() => new Promise((r) => taken.close(r)))
    const port = (taken.address() as { port: number }).port
    const events: string[] = []
    const a = await app()
    const b = await app()
    const g = new Group()
    g.listener('a', async () => (events.push('bind a'), a.listen({ host: '127.0.0.1', port: 0 })), async () => {
      events.push('stop a')
      await drain(a)
    })
    g.listener('b', async () => (events.push('bind b'), b.listen({ host: '127.0.0.1', port })), async () => void events.push('stop b'))
    g.listener('c', async () => void events.push('bind c'), async () => void events.push('stop c'))
    g.resource('r', () => void events.push('release r'))
    await expect(g.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(events).toEqual(['bind a', 'bind b', 'stop a'])
    expect(a.server.listening).toBe(false)
  })

  it('logs a close step that fails and goes on with the rest', async () => {
    const lines: { msg: string; component: string; err: string }[] = []
    const log = fromPino(pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) }))
    const events: string[] = []
    const g = new Group(log)
    g.listener('x', async () => {}, async () => void events.push('stop x'))
    g.listener('y', async () => {}, async () => {
      events.push('stop y')
      throw new Error('y would not stop')
    })
    g.resource('db', () => {
      events.push('release db')
      throw new Error('db busy')
    })
    g.resource('timer', () => void events.push('release timer'))
    await g.listen()
    await g.close()
    expect(events).toEqual(['stop y', 'stop x', 'release timer', 'release db'])
    expect(lines.map((l) => [l.msg, l.component, l.err])).toEqual([
      ['close failed', 'y', 'y would not stop'],
      ['close failed', 'db', 'db busy'],
    ])
  })
})
