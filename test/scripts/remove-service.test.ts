// npm run remove-service as a user runs it, in a scratch copy: removing any
// two of the three examples leaves no trace of them and a tree that
// typechecks, lints and passes the tests that remain.
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../../src/registry.js'
import { copy, sh } from '../helpers/scratch.js'

describe('npm run remove-service', () => {
  const pairs = [
    ['addsvc', 'stringsvc'],
    ['addsvc', 'profilesvc'],
    ['stringsvc', 'profilesvc'],
  ].filter((pair) => pair.every((s) => (serviceNames as readonly string[]).includes(s)))

  it.each(pairs)('removing %s and %s leaves a green, working template', { timeout: 600_000 }, async (a, b) => {
    const dir = await copy()
    await sh(dir, `npx tsx scripts/remove-service.ts ${a} ${b}`)
    const left = await sh(dir, 'ls src/services')
    expect(left).not.toMatch(new RegExp(`${a}|${b}`))
    // No code, test, configuration or deployment file refers to them any more (comments citing Go kit's examples may).
    const gone = `(services|endpoints|transports|migrations)/(${a}|${b})\\b|\\b(${a.toUpperCase()}|${b.toUpperCase()})_URL\\b|\\b(${a}|${b}):80[0-9]{2}\\b`
    expect(await sh(dir, `grep -rlE '${gone}' src scripts test bench docker-compose.yml deploy package.json || true`)).toBe('')
    expect(await sh(dir, `grep -rlE 'service=\\\\?"(${a}|${b})|\\b(${a}|${b})_' deploy || true`)).toBe('')
    await sh(dir, 'npx tsc -p tsconfig.json --noEmit')
    await sh(dir, 'npx eslint src test && npx depcruise src --config .dependency-cruiser.cjs')
    const tests = await sh(dir, 'npx vitest run test/wiring.test.ts test/compose.test.ts test/deploy test/telemetry/settings.test.ts test/kit/routes.test.ts test/services')
    expect(tests).toMatch(/Tests\s+\d+ passed/)
    expect(tests).not.toMatch(/failed/)
  })
})
