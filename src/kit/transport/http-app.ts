/**
 * httpApp builds the one fastify instance a process serves its public API
 * on, with the settings every service relies on: strict validation (no
 * silent coercion of "1" to 1, no silent removal of unknown fields), request
 * ids from x-request-id echoed back, a JSON 404/405 for unknown routes, and
 * the OpenAPI document (/openapi.json) and its browsable page (/docs).
 * Services add themselves as encapsulated plugins afterwards. Its node
 * server bounds what one client may hold (listenerFactory: header size and
 * count, slow headers and bodies, idle keep-alive), serves TLS when given
 * certificates, and answers CORS only for the origins it is told.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import cors from '@fastify/cors'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerFactory } from 'fastify'
import { KitError } from '../errors.js'
import type { Logger } from '../log.js'
import { httpServerSpan } from '../tracing.js'
import { errorEncoder, serverTrace, type Traced } from './http-server.js'
import { type Folder, keyFolder } from './json-keys.js'
import { traceparentHeader, validRequestIdOf, validTraceparent } from './wire.js'

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
  /** limits bound what one client may hold of the listener (default defaultLimits). */
  readonly limits?: ListenerLimits
  /** tls serves HTTPS instead of HTTP (and, with clientCa, mutual TLS). */
  readonly tls?: TlsOptions
  /** corsOrigins are the origins browsers may call from ('*' for any); CORS is off without them. */
  readonly corsOrigins?: readonly string[]
}

/** ListenerLimits bound what one client may hold of a listener, so that slow or bloated requests cannot pin its memory or sockets. */
export interface ListenerLimits {
  /** maxHeaderBytes caps the request line and headers together (node's maxHeaderSize); more is 431. */
  readonly maxHeaderBytes: number
  /** maxHeadersCount caps the number of header fields; more is 431. */
  readonly maxHeadersCount: number
  /** headersTimeoutMs is how long a client may take to send its headers (and its TLS handshake): the slow-loris guard; then 408 and close. */
  readonly headersTimeoutMs: number
  /** requestTimeoutMs is how long a client may take to send a whole request, body included (at least headersTimeoutMs); then 408 and close. */
  readonly requestTimeoutMs: number
  /** keepAliveTimeoutMs is how long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number
}

/** defaultLimits are ListenerLimits' documented defaults (README: MAX_HEADER_BYTES, MAX_HEADERS_COUNT, *_TIMEOUT_MS). */
export const defaultLimits: ListenerLimits = {
  maxHeaderBytes: 16_384,
  maxHeadersCount: 100,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
}

/** TlsOptions are a TLS listener's PEM certificate and key; with clientCa it requires client certificates that CA signed (mutual TLS). */
export interface TlsOptions {
  readonly cert: string
  readonly key: string
  readonly clientCa?: string
}

/**
 * listenerFactory returns the fastify serverFactory that builds a listener's
 * node server (HTTP, or HTTPS with tls) with limits. Node drops header fields
 * past its maxHeadersCount without a word, so the server keeps one more than
 * the cap and refuses a request that reaches it; and node checks its timeouts
 * every 30 s unless told otherwise, which would let a slow client stay that
 * much longer.
 */
export function listenerFactory(limits: ListenerLimits, tls?: TlsOptions): FastifyServerFactory {
  return (handler) => {
    const options: ServerOptions = {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    }
    const serve = (req: IncomingMessage, res: ServerResponse): void => {
      if (req.rawHeaders.length <= 2 * limits.maxHeadersCount) return handler(req, res)
      res.writeHead(431, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
      res.end(JSON.stringify({ error: `more than ${limits.maxHeadersCount} header fields`, code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' }))
    }
    const mutual = tls?.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }
    const server =
      tls === undefined
        ? createHttpServer(options, serve)
        : createHttpsServer({ ...options, cert: tls.cert, key: tls.key, handshakeTimeout: limits.headersTimeoutMs, ...mutual }, serve)
    server.maxHeadersCount = limits.maxHeadersCount + 1
    return server
  }
}

/**
 * securitySchemes are the OpenAPI names of the credentials the kit verifies
 * (kit/auth); a route that needs one lists it (kithttp's PluginOptions.security),
 * and /docs then offers "Authorize".
 */
export const securitySchemes = {
  bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  basicAuth: { type: 'http', scheme: 'basic' },
} as const

/** requestIdOf keeps a sane incoming x-request-id and mints one otherwise (wire.ts). */
function requestIdOf(raw: { headers: Record<string, string | string[] | undefined> }): string {
  return validRequestIdOf(raw.headers['x-request-id'])
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
    serverFactory: listenerFactory(opts.limits ?? defaultLimits, opts.tls),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // CORS is off unless origins are configured. Registered before the 405 table
  // below is collected, so its catch-all OPTIONS route never counts as a method a path allows.
  if (opts.corsOrigins !== undefined && opts.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: opts.corsOrigins.includes('*') ? '*' : [...opts.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'www-authenticate'],
    })
  }

  // With tracing on, each request gets its SERVER span here (kit/tracing's
  // httpServerSpan), ended when its response closes.
  if (opts.traced) {
    const scheme = opts.tls === undefined ? 'http' : 'https'
    app.decorateRequest(serverTrace, null)
    app.addHook('onRequest', (request, reply, done) => {
      const attributes = (): Record<string, string> => {
        const q = request.url.indexOf('?')
        const a: Record<string, string> = {
          'http.request.method': request.method,
          'url.scheme': scheme,
          'url.path': q < 0 ? request.url : request.url.slice(0, q),
          'client.address': request.ip,
        }
        const agent = request.headers['user-agent']
        if (agent !== undefined) a['user_agent.original'] = agent
        return a
      }
      const span = httpServerSpan(validTraceparent(request.headers[traceparentHeader]), request.method, request.routeOptions.url, attributes)
      ;(request as Traced)[serverTrace] = span.traceparent
      if (span.recording) reply.raw.once('close', () => span.end(reply.raw.statusCode))
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
  // An empty body on a route that takes none (GET or DELETE sent with
  // Content-Type: application/json, as many clients do on every request) is
  // no body, as Go's net/http serves it; a route with a body schema still
  // refuses an empty body.
  //
  // Go's encoding/json matches keys case-insensitively and Go kit's clients send
  // Go's field names ({"A": 1}): a body whose route's schema names fields has
  // its keys folded to the declared names as it is parsed, before validation,
  // which then runs unchanged (kit/transport/json-keys.ts). The folder is
  // compiled once per schema; folding in the parser rather than in a
  // preValidation hook spares every request a hook run.
  app.removeContentTypeParser(['text/plain', 'application/json'])
  const json = app.getDefaultJsonParser('error', 'error')
  const folders = new WeakMap<object, Folder | null>()
  const folderOf = (schema: unknown): Folder | undefined => {
    if (typeof schema !== 'object' || schema === null) return undefined
    let f = folders.get(schema)
    if (f === undefined) folders.set(schema, (f = keyFolder(schema) ?? null))
    return f ?? undefined
  }
  const parseJson = (request: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void): void => {
    const schema = request.routeOptions.schema?.body
    if (body.length === 0 && schema === undefined) return done(null, undefined)
    const fold = folderOf(schema)
    if (fold === undefined) {
      json(request, body, done)
      return
    }
    json(request, body, (err, parsed) => {
      if (err !== null) return done(err)
      try {
        done(null, fold(parsed, 'body'))
      } catch (e) {
        done(e as Error)
      }
    })
  }
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done),
  )
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = request.headers['content-type']
    if (type === undefined || type === '') return parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done)
    done(new KitError('UNSUPPORTED_MEDIA_TYPE', 415, `content-type ${type} is not supported: send application/json`), undefined)
  })

  // Unknown paths are 404; a known path with the wrong method is 405 with Allow.
  // Route patterns (/profiles/:id) are matched as fastify's router matches
  // them, one path segment per parameter; this runs only on the 404 path.
  const routes: { readonly pattern: RegExp; readonly methods: readonly string[] }[] = []
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const source = route.url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')
    routes.push({ pattern: new RegExp(`^${source}$`), methods })
  })
  app.setNotFoundHandler((request: FastifyRequest, reply) => {
    void reply.header('x-request-id', request.id)
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))
    if (allowed.size > 0) {
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
      openapi: { openapi: '3.1.0', info: { title: opts.title, version: opts.version }, components: { securitySchemes } },
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
