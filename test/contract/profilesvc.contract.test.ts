// One contract, every way of reaching profilesvc: the same cases run against
// the local Service and against toService(httpClient(url)) talking to a real
// listening server, both on embedded PGlite (one instance, a schema each),
// and must fail with the same error classes. This suite is the proof that
// profilesvc can be split out of the monolith (Go kit's pact_test.go).
// Another transport joins by adding a setup to `setups`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as profileendpoint from '../../src/endpoints/profilesvc/index.js'
import { KitError } from '../../src/kit/errors.js'
import type * as kitsql from '../../src/kit/sql/index.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as profileservice from '../../src/services/profilesvc/index.js'
import * as profiletransport from '../../src/transports/profilesvc/index.js'
import { freshSchema, openPglite } from '../helpers/profilesvc-db.js'
import { ctx, log, metrics, tracer } from '../helpers/nop.js'
import { serviceCases, uid } from '../helpers/profilesvc-cases.js'

let database: kitsql.Database
beforeAll(async () => {
  database = await openPglite()
})
afterAll(() => database?.close())

/** Setup builds one way of reaching profilesvc and how to take it down. */
type Setup = () => Promise<{ svc: profileservice.Service; teardown: () => Promise<void> }>

const local: Setup = async () => {
  const schema = await freshSchema(database)
  return { svc: profileservice.make({ store: profileservice.makePostgresStore(schema.db) }), teardown: () => schema.drop() }
}

const http: Setup = async () => {
  const schema = await freshSchema(database)
  const app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0', docs: false })
  const endpoints = profileendpoint.make(profileservice.make({ store: profileservice.makePostgresStore(schema.db) }), {
    log,
    duration: metrics.histogram,
    tracer,
  })
  await app.register(profiletransport.httpRoutes(endpoints, log))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    svc: profileendpoint.toService(profiletransport.httpClient(url)),
    async teardown() {
      await app.close()
      await schema.drop()
    },
  }
}

const setups: ReadonlyArray<readonly [string, Setup]> = [
  ['local', local],
  ['http', http],
]

for (const [name, setup] of setups) {
  describe(`profilesvc contract (${name})`, () => {
    let svc: profileservice.Service
    let teardown: () => Promise<void> = async () => {}
    beforeAll(async () => ({ svc, teardown } = await setup()))
    afterAll(() => teardown())

    serviceCases(() => svc)

    it('returns profiles that are plain data, equal either way', async () => {
      const id = uid()
      await svc.postProfile(ctx(), { id, name: 'plain', addresses: [{ id: 'a', location: 'x' }] })
      const p = await svc.getProfile(ctx(), id)
      expect(JSON.parse(JSON.stringify(p))).toEqual(p)
    })
  })
}

describe('profilesvc http client', () => {
  it('reports a request the server refuses as a 400 KitError naming the field, not a domain error', async () => {
    const { svc, teardown } = await http()
    try {
      const err = await svc.postProfile(ctx(), { id: 'not url safe' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(KitError)
      expect(err).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/body\.id/) })
    } finally {
      await teardown()
    }
  })

  it('does not mistake a server without profilesvc for a missing profile', async () => {
    const app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0', docs: false })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const svc = profileendpoint.toService(profiletransport.httpClient(url))
      const err = await svc.getProfile(ctx(), uid()).catch((e: unknown) => e)
      expect(err).not.toBeInstanceOf(profileservice.NotFoundError)
      expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    } finally {
      await app.close()
    }
  })
})
