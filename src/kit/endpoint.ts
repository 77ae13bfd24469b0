/**
 * The endpoint is Go kit's fundamental building block: one RPC method as a
 * function from request to response. Middlewares wrap endpoints, transports
 * serve and call them. Generics replace Go kit's interface{} and its type
 * assertions, so a wrong request type is a compile error, not a panic.
 */
import type { Context } from './context.js'

/** Endpoint is a single RPC method: the unit that middlewares wrap and transports serve. */
export type Endpoint<Req, Res> = (ctx: Context, req: Req) => Promise<Res>

/** Middleware is a chainable behaviour modifier for endpoints of any request and response type. */
export type Middleware = <Req, Res>(next: Endpoint<Req, Res>) => Endpoint<Req, Res>

/**
 * chain composes middlewares. Requests traverse them in the order they are
 * declared: the first middleware is the outermost.
 */
export function chain(outer: Middleware, ...others: readonly Middleware[]): Middleware {
  return <Req, Res>(next: Endpoint<Req, Res>) =>
    outer(others.reduceRight<Endpoint<Req, Res>>((inner, mw) => mw(inner), next))
}

/** nop is the identity middleware, for a policy slot that a configuration leaves empty. */
export const nop: Middleware = (next) => next
