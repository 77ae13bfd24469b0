// The whole graph as main builds it (Go kit's wiring_test.go), for every
// service of the registry at once (the monolith, embedded database in
// memory): build() from src/main.ts, then the admin and public listeners
// answering, the OpenAPI document checked by an independent validator, every
// metric the Grafana dashboard queries exported, and a clean close. Nothing
// here names a service, so it holds for whatever services a fork keeps.
import { readFile } from 'node:fs/promises'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config.js'
import { build, type Graph } from '../src/main.js'
import { serviceNames } from '../src/registry.js'
import { log } from './helpers/nop.js'

let graph: Graph

beforeAll(async () => {
  const env = { SERVICES: serviceNames.join(','), DATA_DIR: 'memory://', DATABASE_URL: '', PORT: '0', ADMIN_PORT: '0', HOST: '127.0.0.1' }
  graph = await build(parseConfig(env), log)
}, 60_000)
afterAll(() => graph.close())

const promqlWords = new Set(['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'avg', 'max', 'min', 'count', 'topk', 'bottomk', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset'])

/** metricNames extracts the metric names a PromQL expression selects. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\b(by|without)\s*\([^)]*\)/g, ' ')
  return [...new Set((bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !promqlWords.has(w)))]
}

describe('the wired graph of every service', () => {
  it('is live and ready, and keeps the admin routes off the public listener', async () => {
    expect((await graph.admin.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await graph.admin.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    expect((await graph.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404)
  })

  it('serves an OpenAPI 3.1 document that an independent validator accepts, and the docs page', async () => {
    const res = await graph.app.inject({ method: 'GET', url: '/openapi.json' })
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(serviceNames.length)
    const result = await new Validator().validate(doc)
    expect(result.errors ?? []).toEqual([])
    const docs = await graph.app.inject({ method: 'GET', url: '/docs/' })
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toMatch(/text\/html/)
  })

  it('exports every metric the Grafana dashboard queries', async () => {
    const metrics = (await graph.admin.inject({ method: 'GET', url: '/metrics' })).body
    const dashboard = JSON.parse(await readFile(new URL('../deploy/grafana/dashboard.json', import.meta.url), 'utf8')) as { panels: { targets?: { expr: string }[] }[] }
    const queried = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))))
    expect(queried.size).toBeGreaterThan(3)
    const exported = (name: string) => new RegExp(`^# HELP (${name}|${name.replace(/_(bucket|count|sum)$/, '')}) `, 'm').test(metrics)
    expect([...queried].filter((n) => !exported(n))).toEqual([])
  })
})
