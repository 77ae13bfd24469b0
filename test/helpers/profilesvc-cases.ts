/**
 * The behaviour every profilesvc Service must have, written once and run
 * against each store (memory, PGlite, PostgreSQL) and each side of the wire
 * (local, and toService(httpClient) over a listening server). Ids are random,
 * so the cases share a database without colliding.
 */
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import * as profileservice from '../../src/services/profilesvc/index.js'
import { ctx } from './nop.js'

/** uid returns a fresh, URL-safe id. */
export const uid = (prefix = 'p'): string => `${prefix}-${randomBytes(6).toString('hex')}`

const { AlreadyExistsError, InconsistentIdsError, NotFoundError } = profileservice

/** serviceCases registers the shared cases; svc is read when each case runs. */
export function serviceCases(svc: () => profileservice.Service): void {
  it('creates a profile and reads it back, addresses in the order given', async () => {
    const id = uid()
    const p = { id, name: 'Ada', addresses: [{ id: 'home', location: 'London' }, { id: 'work' }, { id: 'attic', location: 'up' }] }
    await svc().postProfile(ctx(), p)
    expect(await svc().getProfile(ctx(), id)).toEqual(p)
  })

  it('leaves out an empty name, location and address list, as Go kit omitempty does', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: '', addresses: [] })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id })
    await svc().postAddress(ctx(), id, { id: 'a', location: '' })
    expect(await svc().getAddress(ctx(), id, 'a')).toEqual({ id: 'a' })
  })

  it('refuses a second profile with the same id, and keeps the first', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: 'first' })
    const second = svc().postProfile(ctx(), { id, name: 'second', addresses: [{ id: 'x' }] })
    await expect(second).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(second).rejects.toThrow('already exists')
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'first' })
  })

  it('refuses a profile whose addresses share an id, and writes nothing', async () => {
    const id = uid()
    await expect(svc().postProfile(ctx(), { id, addresses: [{ id: 'a' }, { id: 'a' }] })).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(svc().getProfile(ctx(), id)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('answers NotFoundError ("not found") for a profile that does not exist, whatever the method', async () => {
    const id = uid()
    await expect(svc().getProfile(ctx(), id)).rejects.toThrow(new NotFoundError())
    await expect(svc().patchProfile(ctx(), id, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().deleteProfile(ctx(), id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().getAddresses(ctx(), id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().getAddress(ctx(), id, 'a')).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().postAddress(ctx(), id, { id: 'a' })).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().deleteAddress(ctx(), id, 'a')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('PUT creates a missing profile, then replaces it whole, addresses included', async () => {
    const id = uid()
    await svc().putProfile(ctx(), id, { id, name: 'one', addresses: [{ id: 'a', location: 'A' }, { id: 'b' }] })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'one', addresses: [{ id: 'a', location: 'A' }, { id: 'b' }] })
    await svc().putProfile(ctx(), id, { id, addresses: [{ id: 'c' }] })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, addresses: [{ id: 'c' }] })
    await expect(svc().getAddress(ctx(), id, 'a')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('PUT refuses a body id that differs from the path id ("inconsistent IDs") and changes nothing', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: 'kept' })
    const put = svc().putProfile(ctx(), id, { id: uid(), name: 'lost' })
    await expect(put).rejects.toBeInstanceOf(InconsistentIdsError)
    await expect(put).rejects.toThrow('inconsistent IDs')
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'kept' })
  })

  it('PATCH replaces only the fields present', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: 'old', addresses: [{ id: 'a' }] })
    await svc().patchProfile(ctx(), id, { name: 'new' })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'new', addresses: [{ id: 'a' }] })
    await svc().patchProfile(ctx(), id, { addresses: [{ id: 'b', location: 'B' }] })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'new', addresses: [{ id: 'b', location: 'B' }] })
    await svc().patchProfile(ctx(), id, {})
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'new', addresses: [{ id: 'b', location: 'B' }] })
    await svc().patchProfile(ctx(), id, { name: '', addresses: [] })
    expect(await svc().getProfile(ctx(), id)).toEqual({ id })
  })

  it('PATCH accepts the same id in the body, and refuses another without changing anything', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: 'a' })
    await svc().patchProfile(ctx(), id, { id, name: 'b' })
    await expect(svc().patchProfile(ctx(), id, { id: uid(), name: 'c' })).rejects.toBeInstanceOf(InconsistentIdsError)
    expect(await svc().getProfile(ctx(), id)).toEqual({ id, name: 'b' })
  })

  it('DELETE removes the profile and its addresses; the id can then be reused afresh', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, name: 'gone', addresses: [{ id: 'a' }] })
    await svc().deleteProfile(ctx(), id)
    await expect(svc().getProfile(ctx(), id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().getAddress(ctx(), id, 'a')).rejects.toBeInstanceOf(NotFoundError)
    await svc().postProfile(ctx(), { id })
    expect(await svc().getAddresses(ctx(), id)).toEqual([])
  })

  it('adds, lists, reads and deletes addresses', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id })
    expect(await svc().getAddresses(ctx(), id)).toEqual([])
    await svc().postAddress(ctx(), id, { id: 'z', location: 'last letter' })
    await svc().postAddress(ctx(), id, { id: 'a', location: 'first letter' })
    expect(await svc().getAddresses(ctx(), id)).toEqual([
      { id: 'z', location: 'last letter' },
      { id: 'a', location: 'first letter' },
    ])
    expect(await svc().getAddress(ctx(), id, 'a')).toEqual({ id: 'a', location: 'first letter' })
    await svc().deleteAddress(ctx(), id, 'z')
    expect(await svc().getAddresses(ctx(), id)).toEqual([{ id: 'a', location: 'first letter' }])
    await expect(svc().deleteAddress(ctx(), id, 'z')).rejects.toBeInstanceOf(NotFoundError)
    await expect(svc().getAddress(ctx(), id, 'z')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('refuses an address id the profile already has, keeping the first', async () => {
    const id = uid()
    await svc().postProfile(ctx(), { id, addresses: [{ id: 'a', location: 'first' }] })
    await expect(svc().postAddress(ctx(), id, { id: 'a', location: 'second' })).rejects.toBeInstanceOf(AlreadyExistsError)
    expect(await svc().getAddresses(ctx(), id)).toEqual([{ id: 'a', location: 'first' }])
  })

  it('allows the same address id in two profiles', async () => {
    const [one, two] = [uid(), uid()]
    await svc().postProfile(ctx(), { id: one, addresses: [{ id: 'home', location: '1' }] })
    await svc().postProfile(ctx(), { id: two })
    await svc().postAddress(ctx(), two, { id: 'home', location: '2' })
    expect(await svc().getAddress(ctx(), one, 'home')).toEqual({ id: 'home', location: '1' })
    expect(await svc().getAddress(ctx(), two, 'home')).toEqual({ id: 'home', location: '2' })
  })
}
