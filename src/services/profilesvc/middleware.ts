/**
 * Service middlewares are for concerns that need the business domain (Go kit
 * FAQ, "Design"). Per-call logging and latency, which Go kit's profilesvc
 * writes by hand for nine methods, are generic endpoint middlewares here;
 * what only the service knows is which calls changed profiles.
 */
import type { Counter } from '../../kit/metrics.js'
import type { Service } from './service.js'

/** Middleware describes a service (as opposed to endpoint) middleware. */
export type Middleware = (next: Service) => Service

/**
 * instrumentingMiddleware counts committed changes, labelled change =
 * created | replaced | patched | deleted | address_added | address_deleted.
 * Failed calls change nothing and are not counted.
 */
export function instrumentingMiddleware(changes: Counter): Middleware {
  const created = changes.with({ change: 'created' })
  const replaced = changes.with({ change: 'replaced' })
  const patched = changes.with({ change: 'patched' })
  const deleted = changes.with({ change: 'deleted' })
  const addressAdded = changes.with({ change: 'address_added' })
  const addressDeleted = changes.with({ change: 'address_deleted' })
  return (next) => ({
    getProfile: (ctx, id) => next.getProfile(ctx, id),
    getAddresses: (ctx, profileId) => next.getAddresses(ctx, profileId),
    getAddress: (ctx, profileId, addressId) => next.getAddress(ctx, profileId, addressId),
    async postProfile(ctx, p) {
      await next.postProfile(ctx, p)
      created.add(1)
    },
    async putProfile(ctx, id, p) {
      await next.putProfile(ctx, id, p)
      replaced.add(1)
    },
    async patchProfile(ctx, id, p) {
      await next.patchProfile(ctx, id, p)
      patched.add(1)
    },
    async deleteProfile(ctx, id) {
      await next.deleteProfile(ctx, id)
      deleted.add(1)
    },
    async postAddress(ctx, profileId, a) {
      await next.postAddress(ctx, profileId, a)
      addressAdded.add(1)
    },
    async deleteAddress(ctx, profileId, addressId) {
      await next.deleteAddress(ctx, profileId, addressId)
      addressDeleted.add(1)
    },
  })
}
