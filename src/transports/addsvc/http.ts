/**
 * addsvc over HTTP, Go kit's wire format (addsvc/pkg/addtransport/http.go):
 *
 *   POST /sum     {"a": int, "b": int}       → 200 {"v": int}
 *   POST /concat  {"a": string, "b": string} → 200 {"v": string}
 *   failures      → {"error": message, "code": CODE}, status from statusByCode
 *
 * The schemas validate the body (fastify answers 400 naming the field) and
 * give both the TypeScript request types and the OpenAPI document.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { type Static, type TSchema, Type } from 'typebox'
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Logger } from '../../kit/log.js'
import * as kithttp from '../../kit/transport/http-server.js'
import type * as addservice from '../../services/addsvc/index.js'

/** statusByCode maps every addsvc domain error to a status (Go kit: all 400); the NATS and gRPC bindings use it too. */
export const statusByCode = {
  TWO_ZEROES: 400,
  INT_OVERFLOW: 400,
  MAX_SIZE_EXCEEDED: 400,
} as const satisfies Record<addservice.ErrorCode, number>

// Integers beyond 2^53 cannot be added exactly in JavaScript, so they are refused, not rounded.
const Int = Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })
const Failure = Type.Object({ error: Type.String(), code: Type.String() })

const SumBody = Type.Object({ a: Int, b: Int }, { additionalProperties: false })
const ConcatBody = Type.Object({ a: Type.String(), b: Type.String() }, { additionalProperties: false })

const sumSchema = {
  summary: 'Sum two integers',
  body: SumBody,
  response: { 200: Type.Object({ v: Type.Integer() }), 400: Failure },
}
const concatSchema = {
  summary: 'Concatenate two strings (at most 10 bytes of UTF-8 together)',
  body: ConcatBody,
  response: { 200: Type.Object({ v: Type.String() }), 400: Failure },
}

/** routes binds every addsvc endpoint to its HTTP route; a method missing here fails typecheck. */
const routes = {
  sum: {
    method: 'POST',
    url: '/sum',
    schema: sumSchema,
    decode: (request: FastifyRequest<{ Body: Static<typeof SumBody> }>) => ({ a: request.body.a, b: request.body.b }),
  },
  concat: {
    method: 'POST',
    url: '/concat',
    schema: concatSchema,
    decode: (request: FastifyRequest<{ Body: Static<typeof ConcatBody> }>) => ({ a: request.body.a, b: request.body.b }),
  },
} satisfies kithttp.Routes<addendpoint.Endpoints>

/** requests lists each endpoint request's fields in order, with their schemas, for requests built by hand (src/cli.ts); here the body is the request. */
export const requests = {
  sum: SumBody.properties,
  concat: ConcatBody.properties,
} satisfies Record<keyof addendpoint.Endpoints, Readonly<Record<string, TSchema>>>

/** httpRoutes returns a fastify plugin serving endpoints at POST /sum and POST /concat. */
export function httpRoutes(endpoints: addendpoint.Endpoints, log: Logger): FastifyPluginAsync {
  return kithttp.plugin('addsvc', routes, endpoints, { statusByCode, log })
}
