// stringsvc's business rules (Go kit stringsvc3/service.go) and its proxying
// middleware, called directly: no transport involved.
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/kit/errors.js'
import * as stringservice from '../../src/services/stringsvc/index.js'
import { ctx } from '../helpers/nop.js'

describe('stringsvc', () => {
  const svc = stringservice.make()

  it('uppercases', async () => {
    expect(await svc.uppercase(ctx(), 'hello')).toBe('HELLO')
    expect(await svc.uppercase(ctx(), 'héllo wörld')).toBe('HÉLLO WÖRLD')
  })

  it('fails on the empty string with EmptyStringError, Go kit message, stable code', async () => {
    const err = await svc.uppercase(ctx(), '').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(stringservice.EmptyStringError)
    expect(err).toBeInstanceOf(DomainError)
    expect((err as Error).message).toBe('empty string')
    expect((err as stringservice.EmptyStringError).code).toBe('EMPTY_STRING')
  })

  it('counts UTF-8 bytes, as Go len does', async () => {
    expect(await svc.count(ctx(), '')).toBe(0)
    expect(await svc.count(ctx(), 'hello')).toBe(5)
    expect(await svc.count(ctx(), 'héllo')).toBe(6)
    expect(await svc.count(ctx(), '😀')).toBe(4)
  })

  it('rebuilds its errors from a code or from Go kit message', () => {
    expect(stringservice.errors.fromCode('EMPTY_STRING')).toBeInstanceOf(stringservice.EmptyStringError)
    expect(stringservice.errors.fromCode('toString')).toBeUndefined()
    expect(stringservice.errors.fromMessage('empty string')).toBeInstanceOf(stringservice.EmptyStringError)
    expect(stringservice.errors.fromMessage('something else')).toBeUndefined()
  })
})

describe('proxyingMiddleware', () => {
  it('sends Uppercase to the peers and keeps Count local', async () => {
    const asked: string[] = []
    const svc = stringservice.make({
      proxy: async (_ctx, s) => {
        asked.push(s)
        return `peer:${s}`
      },
    })
    expect(await svc.uppercase(ctx(), 'abc')).toBe('peer:abc')
    expect(await svc.count(ctx(), 'abcd')).toBe(4)
    expect(asked).toEqual(['abc'])
  })

  it('hands back the peer error unchanged', async () => {
    const svc = stringservice.make({ proxy: async () => Promise.reject(new stringservice.EmptyStringError()) })
    await expect(svc.uppercase(ctx(), 'x')).rejects.toBeInstanceOf(stringservice.EmptyStringError)
  })
})
