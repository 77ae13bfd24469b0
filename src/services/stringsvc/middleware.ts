/**
 * Service middlewares are for concerns that need the business domain (Go kit
 * FAQ, "Design"). proxyingMiddleware is Go kit stringsvc3's: it knows that
 * Uppercase may be served elsewhere while Count is cheap enough to stay
 * local. It takes the remote Uppercase as a plain function, already balanced,
 * retried and guarded by main, so the service never imports a transport.
 */
import type { Service } from './service.js'

/** Middleware describes a service (as opposed to endpoint) middleware. */
export type Middleware = (next: Service) => Service

/** proxyingMiddleware forwards Uppercase to uppercase (the peers) and serves Count with next. */
export function proxyingMiddleware(uppercase: Service['uppercase']): Middleware {
  return (next) => ({
    uppercase: (ctx, s) => uppercase(ctx, s),
    count: (ctx, s) => next.count(ctx, s),
  })
}
