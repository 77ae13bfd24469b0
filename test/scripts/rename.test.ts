// npm run rename as a user runs it, in a scratch copy: the application's
// name, image and metrics prefix change in one step, and the tree stays green.
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../../src/registry.js'
import { copy, sh, start } from '../helpers/scratch.js'

describe('npm run rename', () => {
  it('renames the application, its image and its metrics prefix in one step, and the tree stays green', { timeout: 300_000 }, async () => {
    const dir = await copy()
    expect(await sh(dir, 'npx tsx scripts/rename.ts Acme 2>&1; echo exit=$?')).toMatch(/must be 2 to 41 lower-case[\s\S]*exit=2/)
    await sh(dir, 'npx tsx scripts/rename.ts acme --metrics-prefix acme_')
    expect(JSON.parse(await sh(dir, 'cat package.json')).name).toBe('acme')
    expect(await sh(dir, 'grep -h "image: \\|newName:" docker-compose.yml deploy/k8s/base/process/kustomization.yaml')).toMatch(/image: acme:latest[\s\S]*newName: acme/)
    await sh(dir, 'npx tsc -p tsconfig.json --noEmit')
    const tests = await sh(dir, 'npx vitest run test/compose.test.ts test/deploy test/wiring.test.ts')
    expect(tests).toMatch(/Tests\s+\d+ passed/)
    const app = await start(dir, { SERVICES: (serviceNames as readonly string[]).filter((n) => n !== 'profilesvc').join(',') || 'none' })
    const doc = (await (await fetch(`${app.base}/openapi.json`)).json()) as { info: { title: string } }
    expect(doc.info.title).toBe('acme')
    expect(await (await fetch(`${app.adminUrl}/metrics`)).text()).toMatch(/^# HELP acme_request_duration_seconds /m)
    await app.stop()
  })
})
