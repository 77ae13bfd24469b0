// Service discovery: the fixed and DNS instancers publish what the name
// system says (the system resolver for localhost; a stand-in name system for
// answers that change over time and for SRV), and the endpointer keeps one
// built item per instance for as long as the instance is listed.
import { describe, expect, it, vi } from 'vitest'
import * as sd from '../../src/kit/sd/index.js'

/** names is a stand-in name system whose answers the test changes. */
function names() {
  const state = {
    a: [] as { address: string; family: number }[],
    srv: [] as { name: string; port: number; priority: number }[],
    fail: undefined as Error | undefined,
    lookups: 0,
  }
  const resolver: sd.Resolver = {
    lookup: async () => {
      state.lookups++
      if (state.fail) throw state.fail
      return state.a
    },
    resolveSrv: async () => {
      if (state.fail) throw state.fail
      return state.srv
    },
  }
  return { state, resolver }
}

describe('fixed', () => {
  it('lists the URLs once, sorted, with http:// added to a bare host:port', () => {
    const i = sd.fixed(['http://b:2/', 'a:1', 'http://b:2'])
    expect(i.current().instances).toEqual(['http://a:1', 'http://b:2'])
    const seen: (readonly string[])[] = []
    i.subscribe((e) => seen.push(e.instances))
    expect(seen).toEqual([['http://a:1', 'http://b:2']])
  })
})

describe('dns', () => {
  it('resolves dns://localhost:port through the system resolver to loopback instances', async () => {
    const i = sd.dns('dns://localhost:8123/x')
    try {
      await vi.waitFor(() => expect(i.current().instances.length).toBeGreaterThan(0), { timeout: 2000 })
      const instances = i.current().instances
      expect(instances.every((u) => /^http:\/\/(127\.0\.0\.1|\[::1\]):8123\/x$/.test(u))).toBe(true)
    } finally {
      i.stop()
    }
  })

  it('re-resolves on its interval, keeps the last good list on a failure, and stops', async () => {
    const { state, resolver } = names()
    state.a = [{ address: '10.0.0.2', family: 4 }]
    const i = sd.dns('dns://svc:8081', { everyMs: 20, resolver })
    const events: sd.Event[] = []
    i.subscribe((e) => events.push(e))
    await vi.waitFor(() => expect(i.current().instances).toEqual(['http://10.0.0.2:8081']), { timeout: 2000 })

    state.a = [{ address: '10.0.0.3', family: 4 }, { address: 'fd00::1', family: 6 }, { address: '10.0.0.2', family: 4 }]
    await vi.waitFor(() => expect(i.current().instances).toEqual(['http://10.0.0.2:8081', 'http://10.0.0.3:8081', 'http://[fd00::1]:8081']), { timeout: 2000 })

    state.fail = new Error('queryA ESERVFAIL svc')
    await vi.waitFor(() => expect(i.current().err?.message).toBe('queryA ESERVFAIL svc'), { timeout: 2000 })
    expect(i.current().instances).toHaveLength(3)

    i.stop()
    const after = state.lookups
    const published = events.length
    state.fail = undefined
    state.a = []
    await new Promise((r) => setTimeout(r, 100))
    expect(state.lookups).toBe(after)
    expect(events.length).toBe(published)
  })

  it('resolves dns+srv:// to the targets of the best priority, keeping the path', async () => {
    const { state, resolver } = names()
    state.srv = [
      { name: 'b.svc', port: 9000, priority: 10 },
      { name: 'a.svc', port: 9001, priority: 10 },
      { name: 'backup.svc', port: 9002, priority: 20 },
    ]
    const i = sd.dns('dns+srv://_http._tcp.svc/uppercase', { resolver })
    try {
      await vi.waitFor(() => expect(i.current().instances).toEqual(['http://a.svc:9001/uppercase', 'http://b.svc:9000/uppercase']), { timeout: 2000 })
    } finally {
      i.stop()
    }
  })

  it('refuses a target it cannot resolve', () => {
    expect(() => sd.dns('dns://svc')).toThrow(/needs a port/)
    expect(() => sd.dns('http://svc:1')).toThrow(/dns:\/\/ or dns\+srv:\/\//)
  })
})

describe('fromTargets', () => {
  it('gives a DNS instancer for one dns target and a fixed one for URLs', () => {
    const { resolver } = names()
    const d = sd.fromTargets(['dns://svc:1'], { resolver })
    d.stop()
    expect(d.current().instances).toEqual([])
    expect(sd.fromTargets(['127.0.0.1:1', 'http://h:2']).current().instances).toEqual(['http://127.0.0.1:1', 'http://h:2'])
    expect(() => sd.fromTargets(['dns://svc:1', 'http://h:2'])).toThrow(/must stand alone/)
  })
})

describe('endpointer', () => {
  it('builds once per instance, keeps items of surviving instances and drops the others', async () => {
    const { state, resolver } = names()
    state.a = [{ address: '10.0.0.1', family: 4 }, { address: '10.0.0.2', family: 4 }]
    const i = sd.dns('dns://svc:80', { everyMs: 20, resolver })
    const built: string[] = []
    const dropped: string[] = []
    const e = sd.endpointer(i, (instance) => (built.push(instance), { instance }), { onDrop: (instance) => dropped.push(instance) })
    try {
      await vi.waitFor(() => expect(e.endpoints()).toHaveLength(2), { timeout: 2000 })
      const [first, second] = e.endpoints()
      expect(e.instances()).toEqual(['http://10.0.0.1:80', 'http://10.0.0.2:80'])

      state.a = [{ address: '10.0.0.2', family: 4 }, { address: '10.0.0.3', family: 4 }]
      await vi.waitFor(() => expect(e.instances()).toEqual(['http://10.0.0.2:80', 'http://10.0.0.3:80']), { timeout: 2000 })
      expect(e.endpoints()[0]).toBe(second) // same item, same per-instance state
      expect(e.endpoints()).not.toContain(first)
      expect(built).toEqual(['http://10.0.0.1:80', 'http://10.0.0.2:80', 'http://10.0.0.3:80'])
      expect(dropped).toEqual(['http://10.0.0.1:80'])
    } finally {
      e.close()
      i.stop()
    }
  })
})
