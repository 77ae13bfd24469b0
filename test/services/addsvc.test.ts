import { describe, expect, it } from 'vitest'
import * as addservice from '../../src/services/addsvc/index.js'
import { ctx } from '../helpers/nop.js'

const svc = addservice.makeBasic()

describe('addsvc Sum', () => {
  it('adds', async () => {
    expect(await svc.sum(ctx(), 1, 2)).toBe(3)
    expect(await svc.sum(ctx(), -5, 0)).toBe(-5)
    expect(await svc.sum(ctx(), 0, 7)).toBe(7)
  })

  it("refuses two zeroes with Go kit's message", async () => {
    const err = await svc.sum(ctx(), 0, 0).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(addservice.TwoZeroesError)
    expect((err as Error).message).toBe("can't sum two zeroes")
  })

  it('accepts results up to the int32 boundary and refuses one past it', async () => {
    expect(await svc.sum(ctx(), 2 ** 31 - 2, 1)).toBe(2 ** 31 - 1)
    expect(await svc.sum(ctx(), -(2 ** 31) + 1, -1)).toBe(-(2 ** 31))
    await expect(svc.sum(ctx(), 2 ** 31 - 1, 1)).rejects.toBeInstanceOf(addservice.IntOverflowError)
    await expect(svc.sum(ctx(), -(2 ** 31), -1)).rejects.toThrow('integer overflow')
  })
})

describe('addsvc Concat', () => {
  it('concatenates up to 10 bytes of UTF-8', async () => {
    expect(await svc.concat(ctx(), 'hello', 'world')).toBe('helloworld')
    expect(await svc.concat(ctx(), '', '')).toBe('')
  })

  it('counts bytes, not characters: multi-byte characters reach the limit sooner', async () => {
    // 'é' and 'ö' are 2 bytes each: 'héllo' is 6 bytes, 'wörl' 5 → 11 > 10.
    await expect(svc.concat(ctx(), 'héllo', 'wörl')).rejects.toBeInstanceOf(addservice.MaxSizeExceededError)
    expect(await svc.concat(ctx(), 'héllo', 'wör')).toBe('héllowör')
    // one emoji is 4 bytes: two fit with 2 bytes to spare, three do not.
    expect(await svc.concat(ctx(), '😀😀', 'ab')).toBe('😀😀ab')
    await expect(svc.concat(ctx(), '😀😀', '😀')).rejects.toThrow('result exceeds maximum size')
  })
})

describe('addsvc fromCode', () => {
  it('rebuilds each domain error from its wire code and knows no others', () => {
    expect(addservice.errors.fromCode('TWO_ZEROES')).toBeInstanceOf(addservice.TwoZeroesError)
    expect(addservice.errors.fromCode('INT_OVERFLOW')).toBeInstanceOf(addservice.IntOverflowError)
    expect(addservice.errors.fromCode('MAX_SIZE_EXCEEDED')).toBeInstanceOf(addservice.MaxSizeExceededError)
    expect(addservice.errors.fromCode('toString')).toBeUndefined()
    expect(addservice.errors.fromCode('NOPE')).toBeUndefined()
  })
})
