// One contract, every way of reaching stringsvc: the local Service, the HTTP
// client against a real listening server, the balanced client over two
// servers, and a proxying stringsvc whose Uppercase goes to a peer the way Go
// kit stringsvc3 calls it (GET with a JSON body). All must answer alike and
// fail with the same error class (Go kit's pact_test.go idea).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as stringendpoint from '../../src/endpoints/stringsvc/index.js'
import * as lb from '../../src/kit/lb/index.js'
import * as sd from '../../src/kit/sd/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as stringservice from '../../src/services/stringsvc/index.js'
import * as stringtransport from '../../src/transports/stringsvc/index.js'
import { ctx, log, metrics, tracer } from '../helpers/nop.js'

/** Setup builds one way of reaching stringsvc and how to take it down. */
type Setup = () => Promise<{ svc: stringservice.Service; teardown: () => Promise<void> }>

/** serve starts stringsvc's real HTTP routes on a free loopback port. */
async function serve(svc: stringservice.Service = stringservice.make()): Promise<{ app: FastifyInstance; url: string }> {
  const app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0', docs: false })
  const endpoints = stringendpoint.make(svc, { log, duration: metrics.histogram, tracer, limits: { uppercase: 1e6, count: 1e6 } })
  await app.register(stringtransport.httpRoutes(endpoints, log))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url }
}

const local: Setup = async () => ({ svc: stringservice.make(), teardown: async () => {} })

const http: Setup = async () => {
  const { app, url } = await serve()
  return { svc: stringendpoint.toService(stringtransport.httpClient(url)), teardown: () => app.close() }
}

const balanced: Setup = async () => {
  const a = await serve()
  const b = await serve()
  const e = lb.balance(sd.fixed([a.url, b.url]), (u) => stringtransport.httpClient(u), { name: 'stringsvc' })
  return {
    svc: stringendpoint.toService(e),
    teardown: async () => {
      await a.app.close()
      await b.app.close()
    },
  }
}

const proxied: Setup = async () => {
  const peer = await serve()
  // The peer URL has no path: the proxy adds /uppercase and calls it with GET, as Go kit does.
  const remote = lb.balance(sd.fixed([peer.url]), (u) => stringtransport.proxyClient(u), { name: 'proxy', timeoutMs: 250 })
  const front = await serve(stringservice.make({ proxy: stringendpoint.toUppercase(remote.uppercase) }))
  return {
    svc: stringendpoint.toService(stringtransport.httpClient(front.url)),
    teardown: async () => {
      await front.app.close()
      await peer.app.close()
    },
  }
}

const setups: ReadonlyArray<readonly [string, Setup]> = [
  ['local', local],
  ['http', http],
  ['http, balanced over two instances', balanced],
  ['http, proxying Uppercase to a peer', proxied],
]

for (const [name, setup] of setups) {
  describe(`stringsvc contract (${name})`, () => {
    let svc: stringservice.Service
    let teardown: () => Promise<void> = async () => {}
    beforeAll(async () => ({ svc, teardown } = await setup()))
    afterAll(() => teardown())

    it('uppercases', async () => {
      expect(await svc.uppercase(ctx(), 'hello')).toBe('HELLO')
      expect(await svc.uppercase(ctx(), 'héllo')).toBe('HÉLLO')
    })

    it('rejects the empty string with EmptyStringError', async () => {
      const err = await svc.uppercase(ctx(), '').catch((x: unknown) => x)
      expect(err).toBeInstanceOf(stringservice.EmptyStringError)
      expect((err as Error).message).toBe('empty string')
    })

    it('counts UTF-8 bytes', async () => {
      expect(await svc.count(ctx(), 'hello')).toBe(5)
      expect(await svc.count(ctx(), 'héllo')).toBe(6)
      expect(await svc.count(ctx(), '')).toBe(0)
    })
  })
}

describe('a Go kit peer that sends no code', () => {
  it('still gives EmptyStringError, rebuilt from its message', async () => {
    // Go kit stringsvc3 answers a business error as 200 {"v":"","err":"empty string"}, with no code.
    const peer = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        const { s } = JSON.parse(body) as { s: string }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(s === '' ? { v: '', err: 'empty string' } : { v: s.toUpperCase() }))
      })
    })
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`
      const svc = stringendpoint.toService(stringtransport.httpClient(base))
      await expect(svc.uppercase(ctx(), '')).rejects.toThrow(stringservice.EmptyStringError)
      expect(await svc.uppercase(ctx(), 'x')).toBe('X')
    } finally {
      peer.close()
    }
  })
})
