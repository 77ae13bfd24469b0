/**
 * The tests of a generated service, like the examples' (test/services,
 * test/transports, test/contract): the business rules called directly, the
 * HTTP binding through a listening server with every kind of bad input, and
 * one contract run against the local Service and every way of reaching it
 * remotely. They pass as generated, and fail when the placeholder changes:
 * the user rewrites them with the service.
 */
import type { MethodNames, ServiceNames } from '../lib/names.js'
import { each, type Files, type Use } from './layers.js'

/** testFiles renders the generated service's tests. */
export function testFiles(s: ServiceNames, methods: readonly MethodNames[], uses: readonly Use[] = []): Files {
  const first = methods[0] as MethodNames
  // A service it uses is its real, local implementation: the contract tests of that service prove the remote one answers alike.
  const make = `${s.service}.make({ inputs: metrics.counter${uses.map((u) => `, ${u.names.base}s: ${u.names.service}.make({ inputs: metrics.counter })`).join('')} })`
  const useImports = uses.map((u) => `\nimport * as ${u.names.service} from '../../src/services/${u.names.name}/index.js'`).join('')
  const dep = uses[0]
  const answer = (m: MethodNames, input: string): string => (dep !== undefined && m === first ? `${m.name}: ${dep.method}: ${input}` : `${m.name}: ${input}`)
  const limits = `{ ${methods.map((m) => `${m.name}: 1e6`).join(', ')} }`
  const setupImports = `import * as ${s.endpoint} from '../../src/endpoints/${s.name}/index.js'
import * as ${s.service} from '../../src/services/${s.name}/index.js'
import * as ${s.transport} from '../../src/transports/${s.name}/index.js'${useImports}`
  return {
    [`test/services/${s.name}.test.ts`]: `// ${s.name}'s business rules and its service middleware, called directly: no transport involved.
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/kit/errors.js'
import type { Counter } from '../../src/kit/metrics.js'
import * as ${s.service} from '../../src/services/${s.name}/index.js'${useImports}
import { ctx, metrics } from '../helpers/nop.js'

describe('${s.name}', () => {
  const svc = ${make}
${each(methods, (m) => `
  it('${m.name} answers its placeholder', async () => {
    expect(await svc.${m.name}(ctx(), 'héllo')).toBe('${answer(m, 'héllo')}')
  })`)}

  it('fails on an empty input with EmptyInputError, a stable code and a DomainError', async () => {
    const err = await svc.${first.name}(ctx(), '').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(${s.service}.EmptyInputError)
    expect(err).toBeInstanceOf(DomainError)
    expect((err as ${s.service}.EmptyInputError).code).toBe('EMPTY_INPUT')
  })

  it('rebuilds its errors from a code or a message', () => {
    expect(${s.service}.errors.fromCode('EMPTY_INPUT')).toBeInstanceOf(${s.service}.EmptyInputError)
    expect(${s.service}.errors.fromCode('toString')).toBeUndefined()
    expect(${s.service}.errors.fromMessage('empty input')).toBeInstanceOf(${s.service}.EmptyInputError)
  })

  it('counts the UTF-8 bytes each successful call was given, by method', async () => {
    const seen: { labels: Record<string, string>; delta: number }[] = []
    const counter = (labels: Record<string, string>): Counter => ({ with: (more) => counter({ ...labels, ...more }), add: (delta) => void seen.push({ labels, delta }) })
    const counted = ${make.replace('inputs: metrics.counter', 'inputs: counter({})')}
    await counted.${first.name}(ctx(), 'hé')
    await counted.${first.name}(ctx(), '').catch(() => {})
    expect(seen).toEqual([{ labels: { method: '${first.name}' }, delta: 3 }])
  })
})
`,
    [`test/transports/${s.name}.http.test.ts`]: `// ${s.name} over HTTP through a listening fastify server: each route's
// answer, the business error with its status and code, and every kind of bad
// input answered with a 4xx JSON {"error", "code"} naming the problem.
import type { FastifyInstance } from 'fastify'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpApp } from '../../src/kit/transport/http-app.js'
${setupImports}
import { log, metrics, tracer } from '../helpers/nop.js'

let app: FastifyInstance

beforeAll(async () => {
  app = await httpApp({ log, bodyLimit: 1024, title: 'test', version: '0', docs: false })
  const endpoints = ${s.endpoint}.make(${make}, { log, duration: metrics.histogram, tracer, limits: ${limits} })
  await app.register(${s.transport}.httpRoutes(endpoints, log))
  await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => app.close())

describe('${s.name} over HTTP', () => {
${each(methods, (m) => `  it('POST /${s.name}/${m.kebab} answers {"v"}', async () => {
    const res = await request(app.server).post('/${s.name}/${m.kebab}').send({ s: 'x' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ v: '${answer(m, 'x')}' })
  })
`)}
  it('answers the business error with its status and code', async () => {
    const res = await request(app.server).post('/${s.name}/${first.kebab}').send({ s: '' })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'empty input', code: 'EMPTY_INPUT' })
  })

  it.each([
    ['a missing field', {}, /must have required property 's'/],
    ['a wrong type', { s: 1 }, /s must be string/],
    ['an unknown field', { s: 'x', t: 1 }, /must not have property 't'/],
  ])('refuses %s with a 400 naming it', async (_what, body, message) => {
    const res = await request(app.server).post('/${s.name}/${first.kebab}').send(body)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('BAD_REQUEST')
    expect(res.body.error).toMatch(message)
  })

  it('refuses a body that is not JSON with a 400, and another method with a 405', async () => {
    const bad = await request(app.server).post('/${s.name}/${first.kebab}').set('content-type', 'application/json').send('{')
    expect(bad.status).toBe(400)
    const get = await request(app.server).get('/${s.name}/${first.kebab}')
    expect(get.status).toBe(405)
  })
})
`,
    [`test/contract/${s.name}.contract.test.ts`]: `// One contract, every way of reaching ${s.name}: the local Service, and a
// remote client over HTTP (alone and balanced over two servers), JSON-RPC,
// gRPC and NATS (when 127.0.0.1:4222 answers) against real listening
// servers. All must answer alike and fail with the same error class: the
// proof that splitting ${s.name} out of the monolith is safe.
import { randomUUID } from 'node:crypto'
import { Server } from '@grpc/grpc-js'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as lb from '../../src/kit/lb/index.js'
import * as sd from '../../src/kit/sd/index.js'
import * as kitgrpc from '../../src/kit/transport/grpc-server.js'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as kitjsonrpc from '../../src/kit/transport/jsonrpc-server.js'
import * as kitnats from '../../src/kit/transport/nats-server.js'
${setupImports}
import { ctx, log, metrics, tracer } from '../helpers/nop.js'
import { answers } from '../helpers/process.js'

/** Setup builds one way of reaching ${s.name} and how to take it down. */
type Setup = () => Promise<{ svc: ${s.service}.Service; teardown: () => Promise<void> }>

const endpoints = () => ${s.endpoint}.make(${make}, { log, duration: metrics.histogram, tracer, limits: ${limits} })

/** serve starts ${s.name}'s real HTTP routes on a free loopback port. */
async function serve() {
  const app = await httpApp({ log, bodyLimit: 64 * 1024, title: 'test', version: '0', docs: false })
  await app.register(${s.transport}.httpRoutes(endpoints(), log))
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) }
}

const local: Setup = async () => ({ svc: ${make}, teardown: async () => {} })

const http: Setup = async () => {
  const { app, url } = await serve()
  const clients = ${s.transport}.clients()
  return { svc: ${s.endpoint}.toService(clients(url)), teardown: async () => (await clients.close(), await app.close()) }
}

const balanced: Setup = async () => {
  const [a, b] = await Promise.all([serve(), serve()])
  const clients = ${s.transport}.clients()
  const e = lb.balance(sd.fixed([a.url, b.url]), clients, { name: '${s.name}' })
  return { svc: ${s.endpoint}.toService(e), teardown: async () => (await clients.close(), await a.app.close(), await b.app.close()) }
}

const jsonrpc: Setup = async () => {
  const server = kitjsonrpc.jsonrpcServer({ methods: ${s.transport}.jsonrpcMethods(endpoints()), log, tracer, bodyLimit: 64 * 1024 })
  const port = await kitjsonrpc.listen(server, '127.0.0.1', 0)
  const clients = ${s.transport}.clients()
  return { svc: ${s.endpoint}.toService(clients(\`jsonrpc+http://127.0.0.1:\${port}\`)), teardown: async () => (await clients.close(), await kitjsonrpc.close(server)) }
}

const grpc: Setup = async () => {
  const server = new Server()
  const s = ${s.transport}.grpcServer(endpoints(), { log, tracer })
  server.addService(s.definition, s.implementation)
  const port = await kitgrpc.listen(server, '127.0.0.1', 0)
  const clients = ${s.transport}.clients()
  return { svc: ${s.endpoint}.toService(clients(\`grpc://127.0.0.1:\${port}\`)), teardown: async () => (await clients.close(), await kitgrpc.shutdown(server, 1_000)) }
}

const nats: Setup = async () => {
  const prefix = \`${s.name}-contract-\${randomUUID().slice(0, 8)}\`
  const nc = await connect({ servers: '127.0.0.1:4222' })
  const subs = ${s.transport}.natsServer(nc, endpoints(), { log, tracer, prefix })
  await nc.flush()
  const clients = ${s.transport}.clients()
  return {
    svc: ${s.endpoint}.toService(clients(\`nats://127.0.0.1:4222/\${prefix}\`)),
    teardown: async () => (await clients.close(), await kitnats.drain(subs), await nc.drain()),
  }
}

const withNats = await answers(4222)
if (!withNats) console.warn('${s.name} contract: NATS setup SKIPPED, no NATS server answers on 127.0.0.1:4222')
const setups: ReadonlyArray<readonly [string, Setup]> = [
  ['local Service', local],
  ['HTTP client', http],
  ['HTTP client, balanced over two servers', balanced],
  ['JSON-RPC client', jsonrpc],
  ['gRPC client', grpc],
  ...(withNats ? [['NATS client', nats] as const] : []),
]

for (const [name, setup] of setups) {
  describe(\`${s.name} contract: \${name}\`, () => {
    let svc: ${s.service}.Service
    let teardown: () => Promise<void>
    beforeAll(async () => ({ svc, teardown } = await setup()))
    afterAll(() => teardown())
${each(methods, (m) => `
    it('${m.name} answers its placeholder', async () => {
      expect(await svc.${m.name}(ctx(), 'héllo')).toBe('${answer(m, 'héllo')}')
    })`)}

    it('fails with EmptyInputError on an empty input', async () => {
      await expect(svc.${first.name}(ctx(), '')).rejects.toBeInstanceOf(${s.service}.EmptyInputError)
    })
  })
}
`,
  }
}
