// profilesvc's business rules, on the in-memory store: the shared cases
// (which the SQL stores and the remote client also pass) plus what only the
// service layer does, such as counting committed changes.
import { Registry } from 'prom-client'
import { beforeEach, describe, expect, it } from 'vitest'
import * as kitmetrics from '../../src/kit/metrics.js'
import * as profileservice from '../../src/services/profilesvc/index.js'
import { ctx } from '../helpers/nop.js'
import { serviceCases, uid } from '../helpers/profilesvc-cases.js'

describe('profilesvc service (memory store)', () => {
  let svc: profileservice.Service
  beforeEach(() => {
    svc = profileservice.make({ store: profileservice.makeMemoryStore() })
  })
  serviceCases(() => svc)

  it('copies what it stores, so a caller mutating its object cannot change a profile', async () => {
    const id = uid()
    const addresses = [{ id: 'a', location: 'here' }]
    await svc.postProfile(ctx(), { id, addresses })
    addresses[0] = { id: 'b', location: 'there' }
    expect(await svc.getProfile(ctx(), id)).toEqual({ id, addresses: [{ id: 'a', location: 'here' }] })
  })
})

describe('profilesvc instrumentingMiddleware', () => {
  it('counts committed changes by kind, and not the failed ones', async () => {
    const registry = new Registry()
    const changes = kitmetrics.counter(registry, { name: 'profilesvc_changes_total', help: 'changes', labelNames: ['change'] })
    const svc = profileservice.make({ store: profileservice.makeMemoryStore(), changes })
    const id = uid()
    await svc.postProfile(ctx(), { id })
    await expect(svc.postProfile(ctx(), { id })).rejects.toBeInstanceOf(profileservice.AlreadyExistsError)
    await svc.putProfile(ctx(), id, { id, name: 'n' })
    await svc.patchProfile(ctx(), id, { name: 'm' })
    await svc.postAddress(ctx(), id, { id: 'a' })
    await svc.deleteAddress(ctx(), id, 'a')
    await svc.getProfile(ctx(), id)
    await svc.deleteProfile(ctx(), id)
    await expect(svc.deleteProfile(ctx(), id)).rejects.toBeInstanceOf(profileservice.NotFoundError)
    const values = (await registry.getSingleMetric('profilesvc_changes_total')?.get())?.values ?? []
    const byChange = Object.fromEntries(values.map((v) => [v.labels.change, v.value]))
    expect(byChange).toEqual({ created: 1, replaced: 1, patched: 1, address_added: 1, address_deleted: 1, deleted: 1 })
  })
})

describe('profilesvc errors', () => {
  it('rebuilds each domain error from its wire code, and nothing else', () => {
    for (const E of [profileservice.NotFoundError, profileservice.AlreadyExistsError, profileservice.InconsistentIdsError]) {
      const err = new E()
      const back = profileservice.errors.fromCode(err.code)
      expect(back).toBeInstanceOf(E)
      expect(back?.message).toBe(err.message)
    }
    expect(profileservice.errors.fromCode('NOT_FOUND')).toBeUndefined()
    expect(profileservice.errors.fromCode('toString')).toBeUndefined()
  })
})
