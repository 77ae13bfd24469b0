/**
 * stringsvc provides operations on strings: Go kit's stringsvc3. Business
 * logic only; it knows nothing of HTTP, endpoints or middlewares. With peers
 * configured, main wraps it in proxyingMiddleware so that Uppercase is served
 * by the peers and Count stays local.
 */
import type { Context } from '../../kit/context.js'
import { EmptyStringError } from './errors.js'
import { proxyingMiddleware } from './middleware.js'

/** Service describes a service that operates on strings. */
export interface Service {
  /** uppercase returns s in upper case. Fails with EmptyStringError when s is empty. */
  uppercase(ctx: Context, s: string): Promise<string>
  /** count returns the length of s in UTF-8 bytes (Go's len). */
  count(ctx: Context, s: string): Promise<number>
}

/** makeBasic returns a naïve, stateless implementation of Service. */
export function makeBasic(): Service {
  return {
    async uppercase(_ctx, s) {
      if (s === '') throw new EmptyStringError()
      return s.toUpperCase()
    },
    async count(_ctx, s) {
      return Buffer.byteLength(s)
    },
  }
}

/** Deps are what the service needs from main: the remote Uppercase of its peers, when proxying. */
export interface Deps {
  /** proxy serves Uppercase from peer instances (Go kit's -proxy); absent means local. */
  readonly proxy?: Service['uppercase']
}

/** make returns the Service with its business-aware middlewares, as main wires it. */
export function make(deps: Deps = {}): Service {
  const svc = makeBasic()
  return deps.proxy ? proxyingMiddleware(deps.proxy)(svc) : svc
}
