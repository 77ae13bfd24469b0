// The Grafana dashboard (deploy/grafana/dashboard.json) only queries metrics
// that a real process exports: a monolith hosting every service is called
// once on each transport (HTTP, gRPC, JSON-RPC, and NATS when its server
// answers), then every metric name in every panel's PromQL must be on its
// /metrics, and the request histogram must carry each transport's label.
// The Prometheus config (deploy/prometheus.yml) must scrape that path.
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { ctx } from '../helpers/nop.js'
import { answers, freePort, type Running, spawnMain } from '../helpers/process.js'

const withNats = await answers(4222)
if (!withNats) console.warn('dashboard test: NATS transport SKIPPED, no NATS server answers on 127.0.0.1:4222')

type Dashboard = { panels: { title: string; targets: { expr: string }[] }[] }

const promqlWords = new Set(['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'avg', 'max', 'min', 'count', 'topk', 'bottomk', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset'])

/** metricNames extracts the metric names a PromQL expression selects. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without)\s*\([^)]*\)/g, ' ')
  return [...new Set((bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !promqlWords.has(w)))]
}

describe('dashboard and Prometheus config', () => {
  let main: Running
  let dataDir: string
  let grpcPort: number
  let jsonrpcPort: number
  const prefix = `addsvc-dash-${randomUUID().slice(0, 8)}`
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tskit-dashboard-'))
    grpcPort = await freePort()
    jsonrpcPort = await freePort()
    main = await spawnMain(
      {
        SERVICES: 'addsvc,stringsvc,profilesvc',
        DATA_DIR: dataDir,
        GRPC_PORT: String(grpcPort),
        JSONRPC_PORT: String(jsonrpcPort),
        ...(withNats ? { NATS_URL: '127.0.0.1:4222', NATS_SUBJECT_PREFIX: prefix } : {}),
      },
      80_000,
    )
  }, 90_000)
  afterAll(async () => {
    await main?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('exports every metric the dashboard queries, with the transport label of each transport called', async () => {
    await fetch(`${main.url}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": 1, "b": 2}' })
    const grpc = addtransport.grpcClient(`127.0.0.1:${grpcPort}`)
    await grpc.sum(ctx(), { a: 1, b: 2 })
    grpc.close()
    await addtransport.jsonrpcClient(`http://127.0.0.1:${jsonrpcPort}`).sum(ctx(), { a: 1, b: 2 })
    if (withNats) {
      const nc = await connect({ servers: '127.0.0.1:4222' })
      await addtransport.natsClient(nc, { prefix }).sum(ctx(), { a: 1, b: 2 })
      await nc.drain()
    }
    const metrics = await (await fetch(`${main.adminUrl}/metrics`)).text()
    const dashboard = JSON.parse(await readFile(new URL('../../deploy/grafana/dashboard.json', import.meta.url), 'utf8')) as Dashboard
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))))
    expect(queried.size).toBeGreaterThan(5)
    const exported = (name: string) => {
      const base = name.replace(/_(bucket|count|sum)$/, '')
      return new RegExp(`^# HELP (${name}|${base}) `, 'm').test(metrics)
    }
    expect([...queried].filter((n) => !exported(n))).toEqual([])
    for (const t of ['http', 'grpc', 'jsonrpc', ...(withNats ? ['nats'] : [])]) {
      expect(metrics).toMatch(new RegExp(`^request_duration_seconds_count\\{service="addsvc",method="sum",transport="${t}",outcome="ok"\\} [1-9]`, 'm'))
    }
  })

  it('scrapes /metrics of the admin port of every tskit container', async () => {
    const config = parse(await readFile(new URL('../../deploy/prometheus.yml', import.meta.url), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[]
    }
    const job = config.scrape_configs.find((j) => j.job_name === 'tskit')
    expect(job?.metrics_path).toBe('/metrics')
    expect(job?.static_configs.flatMap((s) => s.targets)).toEqual(
      expect.arrayContaining(['monolith:8080', 'edge:8080', 'addsvc:8080', 'stringsvc:8080', 'profilesvc:8080']),
    )
  })
})
