// addsvc's Sum over every transport against the same server process (HTTP,
// JSON-RPC, gRPC and, when a NATS server answers on 127.0.0.1:4222, NATS),
// side by side with HTTP as the baseline; then the cost of tracing: the same
// calls against a second process started with the telemetry preload and an
// OTLP exporter pointed at a sink (ratio traced / untraced). gRPC and NATS
// are loaded by bench/transport-load.ts in its own process.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { answers, type Custom, freePort, type LoadOptions, onCore, type Result, root, type Scenario, spawnMain, spawnTs } from '../lib.js'

const sumBody = JSON.stringify({ a: 17, b: 25 })
const rpcBody = JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: { a: 17, b: 25 }, id: 1 })

/** custom measures a gRPC or NATS target with the load loop in a child process. */
function custom(name: string, target: string): Custom {
  return {
    name,
    async run(opts: LoadOptions): Promise<Result> {
      const [cmd, args] = onCore('load', [process.execPath, '--import', 'tsx', 'bench/transport-load.ts'])
      const child = spawn(cmd, args, {
        cwd: root,
        env: { ...process.env, LOAD_TARGET: target, LOAD_CONNECTIONS: String(opts.connections), LOAD_DURATION: String(opts.durationS), LOAD_WARMUP: String(opts.warmupS) },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
      const timer = setTimeout(() => child.kill('SIGKILL'), (opts.durationS + opts.warmupS + 30) * 1000)
      await once(child, 'exit')
      clearTimeout(timer)
      const line = out.trim().split('\n').at(-1) ?? ''
      if (!line.startsWith('{')) throw new Error(`${name}: load loop printed no result`)
      return JSON.parse(line) as Result
    },
  }
}

/** serve starts main hosting addsvc on fresh ports (traced when otlp is given) and names its targets. */
async function serve(nats: string | undefined, otlp?: string) {
  const grpcPort = await freePort()
  const jsonrpcPort = await freePort()
  const prefix = `addsvc-bench-${grpcPort}`
  const env: Record<string, string> = {
    SERVICES: 'addsvc',
    LOG_LEVEL: 'info',
    SUM_RATE_LIMIT: '1000000',
    GRPC_PORT: String(grpcPort),
    JSONRPC_PORT: String(jsonrpcPort),
    ...(nats ? { NATS_URL: nats, NATS_SUBJECT_PREFIX: prefix } : {}),
    ...(otlp ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_SERVICE_NAME: 'tskit-bench' } : {}),
  }
  const main = await spawnMain(env, { telemetry: otlp !== undefined })
  return {
    main,
    http: { name: 'HTTP POST /sum', method: 'POST' as const, url: `${main.url}/sum`, body: sumBody },
    jsonrpc: { name: 'JSON-RPC sum', method: 'POST' as const, url: `http://127.0.0.1:${jsonrpcPort}/`, body: rpcBody },
    grpc: custom('gRPC /pb.Add/Sum', `grpc://127.0.0.1:${grpcPort}`),
    nats: nats ? custom(`NATS ${prefix}.sum`, `nats://127.0.0.1:4222/${prefix}`) : undefined,
  }
}

/** scenario compares Sum across transports, and traced against untraced. */
export const scenario: Scenario = {
  name: 'transports',
  async start() {
    const nats = (await answers(4222)) ? '127.0.0.1:4222' : undefined
    if (!nats) process.stderr.write('transports: NATS SKIPPED, no NATS server answers on 127.0.0.1:4222\n')
    const sinkPort = await freePort()
    const sink = await spawnTs('bench/otlp-sink.ts', { SINK_PORT: String(sinkPort) }, `http://127.0.0.1:${sinkPort}/readyz`, 'load')
    const plain = await serve(nats)
    const traced = await serve(nats, `http://127.0.0.1:${sinkPort}`)
    const natsTargets = (s: typeof plain) => (s.nats ? [s.nats] : [])
    return {
      groups: [
        { title: 'Sum by transport (ratio to HTTP)', baseline: plain.http, targets: [plain.jsonrpc, plain.grpc, ...natsTargets(plain)] },
        {
          title: 'tracing on, OTLP exporter (ratio to untraced)',
          baseline: plain.http,
          targets: [{ ...traced.http, name: 'HTTP POST /sum, traced' }],
        },
        { title: 'gRPC: tracing on (ratio to untraced)', baseline: plain.grpc, targets: [{ ...traced.grpc, name: 'gRPC /pb.Add/Sum, traced' }] },
      ],
      async stop() {
        await Promise.all([plain.main.stop(), traced.main.stop(), sink.stop()])
      },
    }
  },
}
