// npm run extract as a user runs it: the standalone repository installs,
// passes its own tests in its own directory, serves the service, and this
// repository's edge reaches it at <NAME>_URL.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../../src/registry.js'
import { post, root, scratch, sh, start } from '../helpers/scratch.js'
import { spawnMain } from '../helpers/process.js'

describe('npm run extract', () => {
  const name = (serviceNames as readonly string[]).includes('profilesvc') ? 'profilesvc' : (serviceNames[0] as string)

  it('refuses a directory that is not empty', { timeout: 60_000 }, async () => {
    const full = await mkdtemp(join(tmpdir(), 'tskit-full-'))
    scratch.push(full)
    await sh(full, 'touch keep')
    expect(await sh(root, `npx tsx scripts/extract.ts ${name} ${full} 2>&1; echo exit=$?`)).toMatch(/is not empty; nothing was written\s+exit=2/)
  })

  it('writes a repository that installs, passes its tests, serves the service, and that the original edge reaches', { timeout: 900_000 }, async () => {
    const target = join(await mkdtemp(join(tmpdir(), 'tskit-extract-')), name)
    scratch.push(target)
    await sh(root, `npx tsx scripts/extract.ts ${name} ${target}`)
    expect(await sh(target, 'ls src/services')).toBe(`${name}\n`)
    await sh(target, 'npm install --no-audit --no-fund --prefer-offline', 600_000)
    const tests = await sh(target, 'npx vitest run 2>&1 | tail -40', 600_000)
    expect(tests).toMatch(/Tests\s+\d+ passed/)
    expect(tests).not.toMatch(/\d+ failed/)
    const svc = await start(target, { SERVICES: name })
    const edge = await spawnMain({ SERVICES: 'none', [`${name.toUpperCase()}_URL`]: svc.base })
    try {
      if (name === 'profilesvc') {
        expect((await post(`${edge.url}/profiles/`, { id: 'journey', name: 'extracted' })).status).toBe(200)
        const got = await fetch(`${edge.url}/profiles/journey`)
        expect(await got.json()).toEqual({ profile: { id: 'journey', name: 'extracted' } })
      }
      expect((await fetch(`${edge.adminUrl}/readyz`)).status).toBe(200)
    } finally {
      await edge.stop()
      await svc.stop()
    }
  })
})
