/**
 * httpApp builds the one fastify instance a process serves its public API
 * on, with the settings every service relies on: strict validation (no
 * silent coercion of "1" to 1, no silent removal of unknown fields), request
 * ids from x-request-id echoed back, a JSON 404/405 for unknown routes, and
 * the OpenAPI document (/openapi.json) and its browsable page (/docs).
 * Services add themselves as encapsulated plugins afterwards.
 */
import { randomUUID } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { KitError } from '../errors.js'
import type { Logger } from '../log.js'
import { nameServerSpan } from '../tracing.js'
import { errorEncoder } from './http-server.js'

/** HttpAppOptions are the knobs of the public HTTP server. */
export interface HttpAppOptions {
  readonly log: Logger
  /** bodyLimit caps a request body in bytes; larger bodies get 413. */
  readonly bodyLimit: number
  /** title and version describe the API in its OpenAPI document. */
  readonly title: string
  readonly version: string
  /** docs serves the OpenAPI document and the docs page (default true). */
  readonly docs?: boolean
  /** traced names each request's server span after its route; only when tracing is on, it costs a hook. */
  readonly traced?: boolean
}

const validRequestId = /^[\w.:@/+=-]{1,128}$/

/** requestIdOf keeps a sane incoming x-request-id and mints a UUID otherwise. */
function requestIdOf(raw: { headers: Record<string, string | string[] | undefined> }): string {
  const id = raw.headers['x-request-id']
  return typeof id === 'string' && validRequestId.test(id) ? id : randomUUID()
}

/** httpApp returns a configured fastify instance for the public API; register routes on it, then listen. */
export async function httpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit,
    // Path parameters longer than this never match a route (404); services cap their ids
    // well below it, so an oversize id gets their clear 400 instead.
    routerOptions: { maxParamLength: 1024 },
    requestIdHeader: false,
    genReqId: requestIdOf,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  if (opts.traced) {
    app.addHook('onRequest', (request, _reply, done) => {
      nameServerSpan(request.method, request.routeOptions.url ?? request.url)
      done()
    })
  }

  // x-request-id is echoed by kithttp.handler and the error encoders rather than by an
  // onRequest hook: a hook costs about 5 % of a small route's throughput.
  app.setErrorHandler(errorEncoder({}, opts.log))

  // GET may carry a JSON body: Go kit's stringsvc3 proxy calls its peers that way.
  // A route taking a body on GET must set exposeHeadRoute: false.
  app.addHttpMethod('GET', { hasBody: true, overrideExisting: true })

  // Bodies are JSON. Go kit's HTTP clients send JSON without a Content-Type,
  // so a body with no Content-Type is read as JSON too; any other type is 415.
  app.removeContentTypeParser('text/plain')
  const json = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = request.headers['content-type']
    if (type === undefined || type === '') return json(request, typeof body === 'string' ? body : body.toString('utf8'), done)
    done(new KitError('UNSUPPORTED_MEDIA_TYPE', 415, `content-type ${type} is not supported: send application/json`), undefined)
  })

  // Unknown paths are 404; a known path with the wrong method is 405 with Allow.
  const methodsByPath = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const set = methodsByPath.get(route.url) ?? new Set<string>()
    for (const m of methods) set.add(m)
    methodsByPath.set(route.url, set)
  })
  app.setNotFoundHandler((request: FastifyRequest, reply) => {
    void reply.header('x-request-id', request.id)
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = methodsByPath.get(path)
    if (allowed && allowed.size > 0) {
      void reply
        .code(405)
        .header('allow', [...allowed].join(', '))
        .send({ error: `method ${request.method} not allowed on ${path}`, code: 'METHOD_NOT_ALLOWED' })
      return
    }
    void reply.code(404).send({ error: `no route ${request.method} ${path}`, code: 'NOT_FOUND' })
  })

  if (opts.docs !== false) {
    await app.register(swagger, {
      openapi: { openapi: '3.1.0', info: { title: opts.title, version: opts.version } },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger())
  }
  return app
}

/**
 * drain closes a fastify server gracefully: it stops accepting, lets requests
 * in flight finish, and closes keep-alive connections as soon as they go idle.
 * Node closes only the connections idle at the moment of close(), so a
 * connection whose request finishes later would hold the server open until
 * its keep-alive timeout; sweeping idle connections until close completes
 * fixes that.
 */
export async function drain(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50)
  try {
    await app.close()
  } finally {
    clearInterval(sweep)
  }
}
