// The default deployment, as `npm start` runs it: no DATABASE_URL, so main
// opens embedded PGlite under DATA_DIR and migrates it at start. Profiles
// written before a graceful stop are there after the next start.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnMain } from '../helpers/process.js'
import { uid } from '../helpers/profilesvc-cases.js'

describe('main with the embedded database', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('migrates DATA_DIR at start, serves profilesvc, and keeps profiles across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tskit-data-'))
    dirs.push(dataDir)
    const env = { SERVICES: 'profilesvc', DATA_DIR: dataDir, DATABASE_URL: '' }
    const id = uid()

    const first = await spawnMain(env, 60_000)
    const posted = await fetch(`${first.url}/profiles/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, name: 'kept', addresses: [{ id: 'home', location: 'here' }] }),
    })
    expect(posted.status).toBe(200)
    expect(await first.stop('SIGTERM')).toBe(0)

    const second = await spawnMain(env, 60_000)
    try {
      const res = await fetch(`${second.url}/profiles/${id}`)
      expect(await res.json()).toEqual({ profile: { id, name: 'kept', addresses: [{ id: 'home', location: 'here' }] } })
      expect((await fetch(`${second.adminUrl}/readyz`)).status).toBe(200)
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0)
    }
  }, 120_000)
})
