/**
 * stringsvc over HTTP, Go kit's wire format (stringsvc3/transport.go):
 *
 *   GET|POST /uppercase  {"s": string} → 200 {"v": string}
 *                        empty string  → 200 {"v": "", "err": "empty string", "code": "EMPTY_STRING"}
 *   GET|POST /count      {"s": string} → 200 {"v": int}   (UTF-8 bytes)
 *   other failures       → {"error": message, "code": CODE}, status from the kit
 *
 * Go kit serves every method on both paths and its own proxy calls peers with
 * GET and a JSON body, so both methods take the body (httpApp lets GET carry
 * one). Uppercase's business error travels in the 200 body, as Go kit's
 * clients expect it; the extra `code` is ignored by them and lets ours rebuild
 * the class. Everything else is encoded as in every other service.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { type Static, type TSchema, Type } from 'typebox'
import type * as stringendpoint from '../../endpoints/stringsvc/index.js'
import { isDomainError } from '../../kit/errors.js'
import type { Logger } from '../../kit/log.js'
import * as kithttp from '../../kit/transport/http-server.js'
import type * as stringservice from '../../services/stringsvc/index.js'

/** statusByCode maps every stringsvc domain error to an HTTP status: 200, the error rides in the body (Go kit). */
export const statusByCode = {
  EMPTY_STRING: 200,
} as const satisfies Record<stringservice.ErrorCode, number>

const Failure = Type.Object({ error: Type.String(), code: Type.String() })
const StringBody = Type.Object({ s: Type.String() }, { additionalProperties: false })

const uppercaseSchema = {
  summary: 'Uppercase a string (GET or POST with a JSON body, as Go kit accepts)',
  body: StringBody,
  response: {
    200: Type.Object({ v: Type.String(), err: Type.Optional(Type.String()), code: Type.Optional(Type.String()) }),
    400: Failure,
  },
}
const countSchema = {
  summary: 'Count the UTF-8 bytes of a string (GET or POST with a JSON body)',
  body: StringBody,
  response: { 200: Type.Object({ v: Type.Integer() }), 400: Failure },
}

/** errorEncoder writes a domain error Go kit's way, `{"v": "", "err": message}` with its status, and anything else as the kit does. */
function errorEncoder(log: Logger) {
  const encode = kithttp.errorEncoder(statusByCode, log)
  return function encodeError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (!isDomainError(err)) return encode(err, request, reply)
    const status = (statusByCode as Readonly<Record<string, number>>)[err.code] ?? 500
    void reply.code(status).type('application/json; charset=utf-8').send({ v: '', err: err.message, code: err.code })
  }
}

/** routes binds every stringsvc endpoint to its route, on GET and POST (Go kit serves both); a method missing here fails typecheck. */
const routes = {
  uppercase: {
    method: ['GET', 'POST'],
    url: '/uppercase',
    schema: uppercaseSchema,
    decode: (request: FastifyRequest<{ Body: Static<typeof StringBody> }>) => ({ s: request.body.s }),
  },
  count: {
    method: ['GET', 'POST'],
    url: '/count',
    schema: countSchema,
    decode: (request: FastifyRequest<{ Body: Static<typeof StringBody> }>) => ({ s: request.body.s }),
  },
} satisfies kithttp.Routes<stringendpoint.Endpoints>

/** requests lists each endpoint request's fields in order, with their schemas, for requests built by hand (src/cli.ts); here the body is the request. */
export const requests = {
  uppercase: StringBody.properties,
  count: StringBody.properties,
} satisfies Record<keyof stringendpoint.Endpoints, Readonly<Record<string, TSchema>>>

/** httpRoutes returns a fastify plugin serving endpoints at /uppercase and /count, on GET and POST. */
export function httpRoutes(endpoints: stringendpoint.Endpoints, log: Logger): FastifyPluginAsync {
  return kithttp.plugin('stringsvc', routes, endpoints, { statusByCode, log, errorEncoder: errorEncoder(log) })
}
