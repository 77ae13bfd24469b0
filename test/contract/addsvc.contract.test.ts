// One contract, every way of reaching addsvc: the same cases run against the
// local Service and against a remote client talking to a real listening
// server, and must fail with the same error classes. This suite is the proof
// that splitting addsvc out of the monolith is safe (Go kit's pact_test.go).
// Another transport joins by adding a setup to `setups`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as addendpoint from '../../src/endpoints/addsvc/index.js'
import * as lb from '../../src/kit/lb/index.js'
import * as sd from '../../src/kit/sd/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { ctx, log, metrics, tracer } from '../helpers/nop.js'
import { transportSetups } from './addsvc-transports.js'

/** Setup builds one way of reaching addsvc and how to take it down. */
type Setup = () => Promise<{ svc: addservice.Service; teardown: () => Promise<void> }>

const local: Setup = async () => ({
  svc: addservice.make({ ints: metrics.counter, chars: metrics.counter }),
  teardown: async () => {},
})

/** serve starts addsvc's real HTTP routes on a free loopback port. */
async function serve() {
  const app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0', docs: false })
  const svc = addservice.make({ ints: metrics.counter, chars: metrics.counter })
  const endpoints = addendpoint.make(svc, { log, duration: metrics.histogram, tracer, limits: { sum: 1e6, concat: 1e6 } })
  await app.register(addtransport.httpRoutes(endpoints, log))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url }
}

const http: Setup = async () => {
  const { app, url } = await serve()
  return { svc: addendpoint.toService(addtransport.httpClient(url)), teardown: () => app.close() }
}

/** balanced reaches two real servers through lb.balance, as main does for ADDSVC_URL. */
const balanced: Setup = async () => {
  const a = await serve()
  const b = await serve()
  const e = lb.balance(sd.fixed([a.url, b.url]), (u) => addtransport.httpClient(u), { name: 'addsvc' })
  return { svc: addendpoint.toService(e), teardown: async () => void (await Promise.all([a.app.close(), b.app.close()])) }
}

const setups: ReadonlyArray<readonly [string, Setup]> = [
  ['local', local],
  ['http', http],
  ['http, balanced over two instances', balanced],
  ...(await transportSetups()),
]

for (const [name, setup] of setups) {
  describe(`addsvc contract (${name})`, () => {
    let svc: addservice.Service
    let teardown: () => Promise<void> = async () => {}
    beforeAll(async () => ({ svc, teardown } = await setup()))
    afterAll(() => teardown())

    it('sums', async () => {
      expect(await svc.sum(ctx(), 1, 2)).toBe(3)
      expect(await svc.sum(ctx(), -7, 3)).toBe(-4)
    })

    it('sums up to the int32 boundary', async () => {
      expect(await svc.sum(ctx(), 2 ** 31 - 2, 1)).toBe(2 ** 31 - 1)
    })

    it('rejects two zeroes with TwoZeroesError', async () => {
      const err = await svc.sum(ctx(), 0, 0).catch((x: unknown) => x)
      expect(err).toBeInstanceOf(addservice.TwoZeroesError)
      expect((err as Error).message).toBe("can't sum two zeroes")
    })

    it('rejects overflow with IntOverflowError', async () => {
      await expect(svc.sum(ctx(), 2 ** 31 - 1, 1)).rejects.toBeInstanceOf(addservice.IntOverflowError)
      await expect(svc.sum(ctx(), -(2 ** 31), -1)).rejects.toBeInstanceOf(addservice.IntOverflowError)
    })

    it('concatenates', async () => {
      expect(await svc.concat(ctx(), 'go', 'kit')).toBe('gokit')
      expect(await svc.concat(ctx(), 'héllo', 'wör')).toBe('héllowör')
    })

    it('rejects more than 10 bytes with MaxSizeExceededError', async () => {
      const err = await svc.concat(ctx(), 'héllo', 'wörl').catch((x: unknown) => x)
      expect(err).toBeInstanceOf(addservice.MaxSizeExceededError)
      expect((err as Error).message).toBe('result exceeds maximum size')
    })
  })
}
