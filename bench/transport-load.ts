// A bounded load loop for the transports autocannon cannot speak (gRPC,
// NATS), run as its own process so it never shares the event loop of the
// server under test or of the harness. It keeps `connections` calls in flight
// for warm-up + duration seconds and prints one JSON Result line:
// {rps, p99Ms, errors, non2xx}. Usage (env): LOAD_TARGET=grpc://host:port |
// nats://host:port/prefix, LOAD_CONNECTIONS, LOAD_DURATION, LOAD_WARMUP.
import { background } from '../src/kit/context.js'
import * as addtransport from '../src/transports/addsvc/index.js'

const target = process.env.LOAD_TARGET ?? ''
const connections = Number(process.env.LOAD_CONNECTIONS ?? 50)
const durationS = Number(process.env.LOAD_DURATION ?? 10)
const warmupS = Number(process.env.LOAD_WARMUP ?? 3)

const clients = addtransport.clientFactory()
const endpoints = clients(target)
const ctx = background('bench')

/** run keeps connections calls in flight until stopAt and returns the latencies (ms) and error count. */
async function run(stopAt: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = []
  let errors = 0
  const worker = async (): Promise<void> => {
    while (Date.now() < stopAt) {
      const start = performance.now()
      try {
        await endpoints.sum(ctx, { a: 17, b: 25 })
        latencies.push(performance.now() - start)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, worker))
  return { latencies, errors }
}

await run(Date.now() + warmupS * 1000)
const started = Date.now()
const { latencies, errors } = await run(started + durationS * 1000)
const elapsedS = (Date.now() - started) / 1000
latencies.sort((x, y) => x - y)
const p99Ms = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0
process.stdout.write(`${JSON.stringify({ rps: latencies.length / elapsedS, p99Ms, errors, non2xx: 0 })}\n`)
await clients.close()
process.exit(0)
