// npm run new-service as a user runs it, in a scratch copy of this repository:
// refused names write nothing; generated services (one calling the other)
// lint, typecheck and pass their own tests, and answer alone, through an
// edge and in the monolith.
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../../src/registry.js'
import { copy, post, sh, start } from '../helpers/scratch.js'

describe('npm run new-service', () => {
  it('refuses a bad or taken name and writes nothing', { timeout: 60_000 }, async () => {
    const dir = await copy()
    for (const [args, message] of [
      ['Order-Svc', /must be 2 to 31 lower-case letters/],
      [serviceNames[0] ?? 'addsvc', /already a service of this build/],
      ['ordersvc --methods create,create', /names a method twice/],
      ['ordersvc --methods Create', /method name "Create" must be camelCase/],
    ] as const) {
      const res = await sh(dir, `npx tsx scripts/new-service.ts ${args} 2>&1; echo "exit=$?"`)
      expect(res).toMatch(message)
      expect(res).toMatch(/nothing was written\s+exit=2/)
    }
    expect(await sh(dir, 'git status --porcelain 2>/dev/null | wc -l; ls src/services')).not.toMatch(/ordersvc|order-svc/i)
  })

  it('creates services that lint, typecheck, pass their tests, call each other and answer alone, through an edge and in the monolith', { timeout: 600_000 }, async () => {
    const dir = await copy()
    await sh(dir, 'npx tsx scripts/new-service.ts customersvc --methods find')
    await sh(dir, 'npx tsx scripts/new-service.ts ordersvc --methods create,getOrder --uses customersvc')
    await sh(dir, 'npx tsc -p tsconfig.json --noEmit')
    await sh(dir, 'npx eslint src scripts test/services test/transports test/contract && npx depcruise src --config .dependency-cruiser.cjs')
    const tests = await sh(dir, 'npx vitest run ordersvc customersvc test/compose.test.ts test/deploy test/telemetry/settings.test.ts')
    expect(tests).toMatch(/Tests\s+\d+ passed/)
    expect(tests).not.toMatch(/\d+ failed/)

    // ordersvc alone needs customersvc: refused at start, naming what to do.
    const refused = await sh(dir, `SERVICES=ordersvc PORT=0 ADMIN_PORT=0 DATA_DIR=memory:// npx tsx src/main.ts 2>&1; echo exit=$?`)
    expect(refused).toMatch(/ordersvc needs customersvc: host it too, or set CUSTOMERSVC_URL[\s\S]*exit=2/)
    // A dependency reached remotely: ordersvc calls customersvc over HTTP and does not publish its routes.
    const customers = await start(dir, { SERVICES: 'customersvc' })
    const orders = await start(dir, { SERVICES: 'ordersvc', CUSTOMERSVC_URL: customers.base })
    expect(await post(`${orders.base}/ordersvc/create`, { s: 'x' })).toEqual({ status: 200, body: { v: 'create: find: x' } })
    expect(await post(`${orders.base}/ordersvc/get-order`, { s: 'x' })).toEqual({ status: 200, body: { v: 'getOrder: x' } })
    expect((await post(`${orders.base}/customersvc/find`, { s: 'x' })).status).toBe(404)
    // An edge reaches it; the monolith hosts both.
    const edge = await start(dir, { SERVICES: 'none', ORDERSVC_URL: orders.base })
    expect(await post(`${edge.base}/ordersvc/create`, { s: 'y' })).toEqual({ status: 200, body: { v: 'create: find: y' } })
    expect(await post(`${edge.base}/ordersvc/create`, { s: '' })).toEqual({ status: 400, body: { error: 'empty input', code: 'EMPTY_INPUT' } })
    const monolith = await start(dir, {})
    expect(await post(`${monolith.base}/ordersvc/create`, { s: 'z' })).toEqual({ status: 200, body: { v: 'create: find: z' } })
    for (const p of [customers, orders, edge, monolith]) await p.stop()
  })
})
