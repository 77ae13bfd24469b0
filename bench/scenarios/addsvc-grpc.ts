// gRPC's server CPU per call against HTTP's, on one process of ours, the
// whole monolith started as users start it: the server's user + system time
// from /proc over the calls served, with load tools that are not the
// bottleneck (wrk for HTTP, h2load for gRPC, both C, on the other core; each
// run says how busy the server core was). gRPC is loaded two ways with the
// same 50 calls in flight: a connection each, as HTTP/1.1 must, and all on
// one connection, as one gRPC channel does. h2load cannot read gRPC's status
// trailer, so the calls the server counted as ok in request_duration_seconds
// are checked against the calls h2load saw.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pgliteDir, scratch, spawnOurs } from '../lib.js'
import { alternate, type Target } from '../load.js'
import { cpuPerCall, type Scenario, started } from '../scenario.js'

// pb.SumRequest{a: 17, b: 25} in a gRPC frame: uncompressed, 4 bytes long.
const sumRequest = Buffer.from([0, 0, 0, 0, 4, 0x08, 17, 0x10, 25])

/** grpcOk reads how many gRPC Sum calls the server has counted as ok. */
async function grpcOk(admin: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text()
  let n = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('request_duration_seconds_count{') && /method="sum"/.test(line) && /transport="grpc"/.test(line) && /outcome="ok"/.test(line)) {
      n += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
  }
  return n
}

/** scenario compares the server's CPU per call over gRPC with HTTP's. */
export const scenario: Scenario = {
  name: 'grpc',
  start: () =>
    started(async (add) => {
      const ours = await add(spawnOurs('grpc-ours', { DATA_DIR: await pgliteDir() }))
      const message = join(scratch, 'sum-request.bin')
      await writeFile(message, sumRequest)
      const pids = [ours.pid]
      const grpc = { kind: 'grpc', url: `http://127.0.0.1:${ours.grpcPort}/pb.Add/Sum`, body: message, pids, okCalls: () => grpcOk(ours.admin) } as const
      const targets = [
        { name: 'HTTP POST /sum', kind: 'http', method: 'POST', url: `${ours.url}/sum`, body: JSON.stringify({ a: 17, b: 25 }), pids },
        { name: 'gRPC /pb.Add/Sum, a connection per call', ...grpc },
        { name: 'gRPC /pb.Add/Sum, all calls on one connection', ...grpc, streams: Infinity },
      ] as const satisfies readonly Target[]
      return {
        figures: [
          { name: 'server CPU per call: gRPC ÷ HTTP, a connection per call in flight (as HTTP/1.1 has)', unit: '×', target: { op: '≤', value: 2 } },
          { name: 'server CPU per call: gRPC ÷ HTTP, all calls on one connection (as a gRPC channel has)', unit: '×', target: { op: '≤', value: 2 } },
        ],
        async round(r, o) {
          const [http, apart, shared] = await alternate(r, targets, o)
          return [cpuPerCall(['gRPC', apart], ['HTTP', http]), cpuPerCall(['gRPC', shared], ['HTTP', http])]
        },
      }
    }),
}
