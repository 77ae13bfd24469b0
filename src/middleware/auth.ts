/**
 * Authentication as endpoint middleware, Go kit's auth/jwt NewParser and
 * NewSigner. On the server side, authenticate verifies the credential the
 * transport put in ctx.credential and hands the service a Context carrying
 * the claims; a call without a valid credential is refused here, before
 * the service runs (HTTP 401 with WWW-Authenticate, gRPC UNAUTHENTICATED,
 * a JSON-RPC or NATS error with status 401). Which methods need it is
 * main's choice, per service and method (EndpointDeps.auth).
 *
 * On the client side, sign gives a remote call its credential. It relays
 * the caller's own credential when there is one (Go kit's ContextToHTTP), so
 * the instance behind an edge authenticates the real caller; otherwise it
 * sends the process's own (a static token or a minted one), for calls that
 * start here, such as reads an anonymous caller made through the edge.
 */
import { derive } from '../kit/context.js'
import type { Signer, Verifier } from '../kit/auth/verifier.js'
import type { Middleware } from '../kit/endpoint.js'

/** authenticate returns a middleware that refuses calls whose ctx.credential verifier rejects, and passes the claims on. */
export function authenticate(verifier: Verifier): Middleware {
  return (next) =>
    async function authenticated(ctx, req) {
      const claims = await verifier.verify(ctx.credential)
      return next(derive(ctx, { claims }), req)
    }
}

/** sign returns a client middleware that sends the caller's credential, or signer's when the caller has none. */
export function sign(signer: Signer): Middleware {
  return (next) =>
    async function signed(ctx, req) {
      if (ctx.credential !== undefined) return next(ctx, req)
      return next(derive(ctx, { credential: await signer.credential() }), req)
    }
}
