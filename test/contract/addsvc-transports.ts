/**
 * The contract suite's setups for addsvc's other transports: gRPC, JSON-RPC,
 * Thrift (binary and compact+framed) and NATS, each a real listening server of the real endpoints, reached
 * through clients() by URL scheme (as main does for ADDSVC_URL), and
 * gRPC once more through lb.balance over two instances. NATS joins only when
 * the server on 127.0.0.1:4222 answers; otherwise it says plainly that it
 * was skipped.
 */
import { randomUUID } from 'node:crypto'
import { Server } from '@grpc/grpc-js'
import { connect } from '@nats-io/transport-node'
import * as addendpoint from '../../src/endpoints/addsvc/index.js'
import * as lb from '../../src/kit/lb/index.js'
import * as sd from '../../src/kit/sd/index.js'
import * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
import * as kitthrift from '../../src/kit/transport/thrift-server.js'
import type * as addservice from '../../src/services/addsvc/index.js'
import * as addtransport from '../../src/transports/addsvc/index.js'
import { endpoints } from '../helpers/addsvc.js'
import { log, tracer } from '../helpers/nop.js'
import { answers } from '../helpers/process.js'

/** Setup builds one way of reaching addsvc and how to take it down. */
type Setup = () => Promise<{ svc: addservice.Service; teardown: () => Promise<void> }>

async function grpcInstance() {
  const server = new Server()
  const s = addtransport.grpcServer(endpoints(), { log, tracer })
  server.addService(s.definition, s.implementation)
  const port = await kitgrpc.listen(server, '127.0.0.1', 0)
  return { url: `grpc://127.0.0.1:${port}`, stop: () => kitgrpc.shutdown(server, 1_000) }
}

const grpc: Setup = async () => {
  const instance = await grpcInstance()
  const clients = addtransport.clients()
  return { svc: addendpoint.toService(clients(instance.url)), teardown: async () => (await clients.close(), await instance.stop()) }
}

const grpcBalanced: Setup = async () => {
  const [a, b] = await Promise.all([grpcInstance(), grpcInstance()])
  const clients = addtransport.clients()
  const e = lb.balance(sd.fixed([a.url, b.url]), clients, { name: 'addsvc' })
  return { svc: addendpoint.toService(e), teardown: async () => (await clients.close(), await Promise.all([a.stop(), b.stop()]), undefined) }
}

const jsonrpc: Setup = async () => {
  const server = kitjsonrpc.jsonrpcServer({ methods: addtransport.jsonrpcMethods(endpoints()), log, tracer, bodyLimit: 64 * 1024 })
  const port = await kitjsonrpc.listen(server, '127.0.0.1', 0)
  const clients = addtransport.clients()
  return { svc: addendpoint.toService(clients(`jsonrpc+http://127.0.0.1:${port}`)), teardown: () => kitjsonrpc.close(server) }
}

const thrift = (protocol: 'binary' | 'compact', framed: boolean): Setup => async () => {
  const server = addtransport.thriftServer(endpoints(), { log, tracer, wire: { protocol, framed, buffered: false } })
  const port = await kitthrift.listen(server, '127.0.0.1', 0)
  const clients = addtransport.clients()
  return {
    svc: addendpoint.toService(clients(`thrift://127.0.0.1:${port}?protocol=${protocol}&framed=${framed}`)),
    teardown: async () => (await clients.close(), await kitthrift.close(server, 1_000)),
  }
}

const nats: Setup = async () => {
  const prefix = `addsvc-contract-${randomUUID().slice(0, 8)}`
  const nc = await connect({ servers: '127.0.0.1:4222' })
  const subs = addtransport.natsServer(nc, endpoints(), { log, tracer, prefix })
  await nc.flush()
  const clients = addtransport.clients()
  return {
    svc: addendpoint.toService(clients(`nats://127.0.0.1:4222/${prefix}`)),
    teardown: async () => {
      await clients.close()
      await kitnats.drain(subs)
      await nc.drain()
    },
  }
}

/** transportSetups returns the setups of the non-HTTP transports, NATS only when its server answers. */
export async function transportSetups(): Promise<ReadonlyArray<readonly [string, Setup]>> {
  const withNats = await answers(4222)
  if (!withNats) console.warn('addsvc contract: NATS setup SKIPPED, no NATS server answers on 127.0.0.1:4222')
  return [
    ['grpc:// through clients()', grpc],
    ['grpc://, balanced over two instances', grpcBalanced],
    ['jsonrpc+http:// through clients()', jsonrpc],
    ['thrift:// (binary) through clients()', thrift('binary', false)],
    ['thrift:// (compact, framed) through clients()', thrift('compact', true)],
    ...(withNats ? [['nats:// through clients()', nats] as const] : []),
  ]
}
