// Go's encoding/json matches keys case-insensitively, and Go kit's clients
// send Go's field names: the kit folds a body's keys to the declared names
// before validation (kit/transport/json-keys.ts), on every route whose body
// schema names fields. Tested on the kit's own test-only service, directly
// and through a listening HTTP server.
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyFolder } from '../../src/kit/transport/json-keys.js'
import * as echosvc from '../helpers/echosvc.js'

const schema = {
  type: 'object',
  properties: { id: {}, addresses: { type: 'array', items: { type: 'object', properties: { id: {}, location: {} } } } },
}

describe('keyFolder', () => {
  const fold = keyFolder(schema)
  it('folds keys to the declared names, nested objects and arrays included; an exact match wins', () => {
    expect(fold?.({ ID: 'x', Addresses: [{ Id: 'a', LOCATION: 'l' }] }, 'body')).toEqual({ id: 'x', addresses: [{ id: 'a', location: 'l' }] })
    expect(fold?.({ id: 'x' }, 'body')).toEqual({ id: 'x' })
  })
  it('leaves unknown keys for the schema to refuse, and refuses one field sent twice', () => {
    expect(fold?.({ id: 'x', other: 1 }, 'body')).toEqual({ id: 'x', other: 1 })
    expect(() => fold?.({ id: 'x', ID: 'y' }, 'body')).toThrow(/body has property 'id' twice/)
  })
  it('is undefined for a schema that names no fields, so such routes pay nothing', () => {
    expect(keyFolder(undefined)).toBeUndefined()
    expect(keyFolder({ type: 'string' })).toBeUndefined()
  })
})

describe('folding over HTTP', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await echosvc.server()
    await app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(() => app.close())

  it('serves a body with Go field names as the declared names', async () => {
    const res = await request(app.server).post('/echo').send({ S: 'go' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ v: 'go' })
  })
  it('answers 400 for a field sent twice, and still for an unknown field', async () => {
    expect((await request(app.server).post('/echo').send({ s: 'a', S: 'b' })).status).toBe(400)
    const extra = await request(app.server).post('/echo').send({ s: 'a', t: 1 })
    expect(extra.status).toBe(400)
    expect(extra.body.error).toMatch(/must not have property 't'/)
  })
})
