// addsvc in the whole graph as main builds it (Go kit's wiring_test.go):
// config parsed from an environment, build() from src/main.ts, then real
// calls on the public and admin listeners, the counters they move, and the
// OpenAPI document checked by an independent validator.
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config.js'
import { build, type Graph } from '../src/main.js'
import { log } from './helpers/nop.js'

let graph: Graph

beforeAll(async () => {
  graph = await build(parseConfig({ SERVICES: 'addsvc', PORT: '0', ADMIN_PORT: '0', HOST: '127.0.0.1' }), log)
})
afterAll(() => graph.close())

describe('the wired graph', () => {
  it('serves addsvc on the public listener', async () => {
    const sum = await graph.app.inject({ method: 'POST', url: '/sum', payload: { a: 20, b: 22 } })
    expect(sum.json()).toEqual({ v: 42 })
    const concat = await graph.app.inject({ method: 'POST', url: '/concat', payload: { a: 'go', b: 'kit' } })
    expect(concat.json()).toEqual({ v: 'gokit' })
  })

  it('counts calls and business values in /metrics on the admin listener', async () => {
    await graph.app.inject({ method: 'POST', url: '/sum', payload: { a: 0, b: 0 } })
    const res = await graph.admin.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(/request_duration_seconds_count\{service="addsvc",method="sum",role="server",transport="http",outcome="ok"\} [1-9]/)
    expect(res.body).toMatch(/request_duration_seconds_count\{service="addsvc",method="sum",role="server",transport="http",outcome="domain_error"\} [1-9]/)
    expect(res.body).toMatch(/addsvc_integers_summed_total [1-9]/)
    expect(res.body).toMatch(/addsvc_characters_concatenated_total [1-9]/)
    expect(res.body).toMatch(/process_cpu_seconds_total/)
  })

  it('is live and ready', async () => {
    expect((await graph.admin.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await graph.admin.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
  })

  it('keeps the admin routes off the public listener', async () => {
    expect((await graph.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404)
  })

  it('serves an OpenAPI 3.1 document that an independent validator accepts, and the docs page', async () => {
    const res = await graph.app.inject({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sum', '/concat']))
    const result = await new Validator().validate(doc)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    const docs = await graph.app.inject({ method: 'GET', url: '/docs/' })
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toMatch(/text\/html/)
  })
})
