// kithttp.plugin over Routes tables, on the kit's HTTP app listening on
// loopback: every route of a table reaches its own endpoint with the request
// its decoder builds, each plugin answers failures with its own status table
// (fastify encapsulation), and a GET route answers HEAD only when asked.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { httpApp } from '../../src/kit/transport/http-app.js'
import * as kithttp from '../../src/kit/transport/http-server.js'
import * as echosvc from '../helpers/echosvc.js'
import { log } from '../helpers/nop.js'

const apps: FastifyInstance[] = []
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close()
})

/** Call is one endpoint call as the endpoint saw it. */
type Call = readonly [method: keyof echosvc.Endpoints, req: unknown]

/** recorder returns echosvc Endpoints that record each call's decoded request and answer as the real service does. */
function recorder(calls: Call[]): echosvc.Endpoints {
  const real = echosvc.makeBasic()
  return {
    echo: async (ctx, req) => (calls.push(['echo', req]), { v: await real.echo(ctx, req.s) }),
    fail: (ctx, req) => (calls.push(['fail', req]), real.fail(ctx, req.code)),
  }
}

/** serve registers plugins on the kit's HTTP app, listens on loopback and returns a caller. */
async function serve(register: (app: FastifyInstance) => PromiseLike<unknown>) {
  const app = await httpApp({ log, bodyLimit: 1024, title: 'routes', version: '0', docs: false })
  apps.push(app)
  await register(app)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return async (method: 'GET' | 'POST' | 'HEAD' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    const text = await res.body.text()
    return { status: res.statusCode, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
  }
}

const SayParams = Type.Object({ s: Type.String() })
const OopsQuery = Type.Object({ code: Type.String() }, { additionalProperties: false })

/** table binds echosvc's endpoints differently from echosvc.routes: two methods on one path, a path parameter, a query string, and HEAD asked for. */
const table = {
  echo: {
    method: ['GET', 'POST'],
    url: '/say/:s',
    schema: { params: SayParams },
    exposeHeadRoute: true,
    decode: (req: FastifyRequest<{ Params: Static<typeof SayParams> }>) => ({ s: req.params.s }),
  },
  fail: {
    method: 'DELETE',
    url: '/oops',
    schema: { querystring: OopsQuery },
    decode: (req: FastifyRequest<{ Querystring: Static<typeof OopsQuery> }>) => ({ code: req.query.code }),
  },
} satisfies kithttp.Routes<echosvc.Endpoints>

describe('kithttp.plugin', () => {
  it('serves every route of echosvc.routes, answering a domain error with the status table', async () => {
    const calls: Call[] = []
    const call = await serve((app) => app.register(echosvc.httpRoutes(recorder(calls))))
    expect(await call('POST', '/echo', { s: 'hi' })).toMatchObject({ status: 200, body: { v: 'hi' } })
    expect(await call('GET', '/fail/EMPTY')).toMatchObject({ status: 400, body: { error: 'nothing to echo', code: 'EMPTY' } })
    expect(calls).toEqual([['echo', { s: 'hi' }], ['fail', { code: 'EMPTY' }]])
    expect(Object.keys(echosvc.routes).sort()).toEqual(['echo', 'fail'])
    expect(echosvc.httpRoutes(recorder(calls)).name).toBe('echosvcHttp')
  })

  it('serves every route of any table: each method of a route, path parameters and query strings decoded', async () => {
    const calls: Call[] = []
    const call = await serve((app) => app.register(kithttp.plugin('table', table, recorder(calls), { statusByCode: { EMPTY: 422 }, log })))
    expect(await call('GET', '/say/hello')).toMatchObject({ status: 200, body: { v: 'hello' } })
    expect(await call('POST', '/say/again', {})).toMatchObject({ status: 200, body: { v: 'again' } })
    expect(await call('DELETE', '/oops?code=EMPTY')).toMatchObject({ status: 422, body: { code: 'EMPTY' } })
    expect(await call('DELETE', '/oops?code=EMPTY&extra=1')).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } })
    expect(calls).toEqual([['echo', { s: 'hello' }], ['echo', { s: 'again' }], ['fail', { code: 'EMPTY' }]])
    // The table's routes replace echosvc's: nothing else is served.
    expect((await call('POST', '/echo', { s: 'hi' })).status).toBe(404)
  })

  it('gives each plugin its own error encoder: one status table per service, or an encoder of its own', async () => {
    const calls: Call[] = []
    const custom = (err: unknown, _req: FastifyRequest, reply: FastifyReply): void =>
      void reply.code(200).send({ v: '', err: (err as Error).message })
    const call = await serve(async (app) => {
      await app.register(kithttp.plugin('a', echosvc.routes, recorder(calls), { statusByCode: { EMPTY: 400 }, log }), { prefix: '/a' })
      await app.register(kithttp.plugin('b', echosvc.routes, recorder(calls), { statusByCode: { EMPTY: 409 }, log }), { prefix: '/b' })
      await app.register(kithttp.plugin('c', echosvc.routes, recorder(calls), { statusByCode: {}, log, errorEncoder: custom }), { prefix: '/c' })
    })
    expect((await call('GET', '/a/fail/EMPTY')).status).toBe(400)
    expect((await call('GET', '/b/fail/EMPTY')).status).toBe(409)
    expect(await call('GET', '/c/fail/EMPTY')).toMatchObject({ status: 200, body: { v: '', err: 'nothing to echo' } })
    // The app's own answers are untouched by the plugins' encoders.
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    expect(calls).toHaveLength(3)
  })

  it('answers HEAD on a GET route only when the route asks for it, since a HEAD runs the endpoint', async () => {
    const calls: Call[] = []
    const call = await serve(async (app) => {
      await app.register(echosvc.httpRoutes(recorder(calls)))
      await app.register(kithttp.plugin('table', table, recorder(calls), { statusByCode: {}, log }))
    })
    // The path exists for GET only: HEAD is a method it does not serve (405), and the endpoint never runs.
    const head = await call('HEAD', '/fail/EMPTY')
    expect(head.status).toBe(405)
    expect(calls).toEqual([])
    const asked = await call('HEAD', '/say/hi')
    expect(asked).toMatchObject({ status: 200, text: '' })
    expect(calls).toEqual([['echo', { s: 'hi' }]])
  })
})
