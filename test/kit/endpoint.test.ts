import { describe, expect, it } from 'vitest'
import { chain, type Endpoint, type Middleware, nop } from '../../src/kit/endpoint.js'
import { ctx } from '../helpers/nop.js'

/** annotate returns a middleware that records its name before and after the call. */
function annotate(name: string, trail: string[]): Middleware {
  return (next) => async (c, req) => {
    trail.push(`${name} pre`)
    const res = await next(c, req)
    trail.push(`${name} post`)
    return res
  }
}

describe('chain', () => {
  it('runs middlewares outermost first, like go-kit endpoint.Chain', async () => {
    const trail: string[] = []
    const e: Endpoint<number, number> = async (_c, n) => {
      trail.push('endpoint')
      return n * 2
    }
    const wrapped = chain(annotate('first', trail), annotate('second', trail), annotate('third', trail))(e)
    expect(await wrapped(ctx(), 21)).toBe(42)
    expect(trail).toEqual(['first pre', 'second pre', 'third pre', 'endpoint', 'third post', 'second post', 'first post'])
  })

  it('nop returns the endpoint itself', () => {
    const e: Endpoint<string, string> = async (_c, s) => s
    expect(nop(e)).toBe(e)
  })
})
