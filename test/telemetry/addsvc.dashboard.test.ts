// addsvc's part of the Grafana dashboard (deploy/grafana/dashboard.json): a
// process hosting addsvc is called once on each transport (HTTP, gRPC,
// JSON-RPC, and NATS when its server answers); the addsvc metrics the
// panels query must be on its /metrics, and the request histogram must
// carry each transport's label. (Every other metric the dashboard queries is
// checked for every service by test/wiring.test.ts.)
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
        SERVICES: 'addsvc',
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
    const exported = (name: string) => {
      const base = name.replace(/_(bucket|count|sum)$/, '')
      return new RegExp(`^# HELP (${name}|${base}) `, 'm').test(metrics)
    }
    // The dashboard's addsvc panels read what addsvc exports (the rest is test/wiring.test.ts's, for every service).
    expect([...queried].filter((n) => n.startsWith('addsvc_') && !exported(n))).toEqual([])
    for (const t of ['http', 'grpc', 'jsonrpc', ...(withNats ? ['nats'] : [])]) {
      expect(metrics).toMatch(new RegExp(`^request_duration_seconds_count\\{service="addsvc",method="sum",role="server",transport="${t}",outcome="ok"\\} [1-9]`, 'm'))
    }
  })
})
