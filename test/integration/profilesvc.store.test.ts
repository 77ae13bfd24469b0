// ONE store suite for profilesvc, run through the Service against every
// store: memory (the reference), embedded PGlite (always) and the PostgreSQL
// server (when one answers at DATABASE_URL or 127.0.0.1:5432/test). Each SQL
// run migrates a schema of its own and drops it afterwards. Beyond the shared
// cases: atomic writes, concurrency, migrations, and data surviving a restart.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as profilemigrations from '../../migrations/profilesvc/index.js'
import { UnavailableError } from '../../src/kit/errors.js'
import * as kitsql from '../../src/kit/sql/index.js'
import { run as runMigrate } from '../../src/migrate.js'
import * as profileservice from '../../src/services/profilesvc/index.js'
import { freshSchema, openPglite, postgresServer, type Schema, serverUrl } from '../helpers/profilesvc-db.js'
import { ctx } from '../helpers/nop.js'
import { serviceCases, uid } from '../helpers/profilesvc-cases.js'

const hasServer = await postgresServer('profilesvc store suite')

/** Backend opens a database for the suite (undefined for the memory store). */
interface Backend {
  readonly name: string
  readonly skip: boolean
  readonly open: () => Promise<kitsql.Database | undefined>
}

const backends: readonly Backend[] = [
  { name: 'memory', skip: false, open: async () => undefined },
  { name: 'pglite', skip: false, open: () => openPglite() },
  { name: 'postgres', skip: !hasServer, open: () => kitsql.open({ url: serverUrl, poolMax: 10 }) },
]

for (const backend of backends) {
  describe.skipIf(backend.skip)(`profilesvc store suite (${backend.name})`, () => {
    let database: kitsql.Database | undefined
    let schema: Schema | undefined
    let svc: profileservice.Service
    beforeAll(async () => {
      database = await backend.open()
      schema = database && (await freshSchema(database))
      const store = schema ? profileservice.makePostgresStore(schema.db) : profileservice.makeMemoryStore()
      svc = profileservice.make({ store })
    })
    afterAll(async () => {
      await schema?.drop()
      await database?.close()
    })

    serviceCases(() => svc)

    it('lands 200 concurrent creates of distinct ids, every one', async () => {
      const ids = Array.from({ length: 200 }, () => uid('many'))
      const results = await Promise.allSettled(ids.map((id, i) => svc.postProfile(ctx(), { id, name: `n${i}`, addresses: [{ id: 'a' }] })))
      expect(results.filter((r) => r.status === 'rejected')).toEqual([])
      const read = await Promise.all(ids.map((id) => svc.getProfile(ctx(), id)))
      expect(read).toEqual(ids.map((id, i) => ({ id, name: `n${i}`, addresses: [{ id: 'a' }] })))
    })

    it('leaves exactly one profile after 50 concurrent creates of one id, and 49 "already exists"', async () => {
      const id = uid('race')
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => svc.postProfile(ctx(), { id, name: `caller${i}`, addresses: [{ id: `a${i}` }] })),
      )
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(49)
      for (const err of lost) expect(err).toBeInstanceOf(profileservice.AlreadyExistsError)
      // The profile is the winner's, whole: its name and only its address.
      expect(await svc.getProfile(ctx(), id)).toEqual({ id, name: `caller${won[0]}`, addresses: [{ id: `a${won[0]}` }] })
    })

    it('adds exactly one of 20 concurrent addresses with one id', async () => {
      const id = uid()
      await svc.postProfile(ctx(), { id })
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => svc.postAddress(ctx(), id, { id: 'same', location: `${i}` })))
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect(await svc.getAddresses(ctx(), id)).toHaveLength(1)
    })

    it.skipIf(backend.name === 'memory')('writes nothing when an address in a create fails mid-transaction', async () => {
      // PostgreSQL cannot store NUL in text; the transport refuses it, so only a direct caller can send one.
      const id = uid()
      await expect(svc.postProfile(ctx(), { id, name: 'half', addresses: [{ id: 'ok' }, { id: 'bad', location: 'a\u0000b' }] })).rejects.toThrow()
      await expect(svc.getProfile(ctx(), id)).rejects.toBeInstanceOf(profileservice.NotFoundError)
    })

    it.skipIf(backend.name === 'memory')('keeps the old profile whole when a PUT fails mid-transaction', async () => {
      const id = uid()
      await svc.postProfile(ctx(), { id, name: 'before', addresses: [{ id: 'a' }, { id: 'b' }] })
      await expect(svc.putProfile(ctx(), id, { id, name: 'after', addresses: [{ id: 'c', location: '\u0000' }] })).rejects.toThrow()
      expect(await svc.getProfile(ctx(), id)).toEqual({ id, name: 'before', addresses: [{ id: 'a' }, { id: 'b' }] })
    })

    it.skipIf(backend.name === 'memory')('migrates down and up again, reporting each step', async () => {
      const set = { ...profilemigrations.set, schema: `${schema?.name}_m` }
      const db = database as kitsql.Database
      try {
        expect(await kitsql.migrate(db.db, set)).toEqual(Object.keys(set.migrations).map((n) => `up ${n}`))
        expect(await kitsql.migrate(db.db, set)).toEqual([])
        expect(await kitsql.migrate(db.db, set, 'down')).toEqual([`down ${Object.keys(set.migrations).at(-1)}`])
        expect((await kitsql.status(db.db, set)).map((s) => s.executedAt !== undefined)).toEqual([true, false])
        expect(await kitsql.migrate(db.db, set, 'up')).toEqual([`up ${Object.keys(set.migrations).at(-1)}`])
      } finally {
        await sql`drop schema if exists ${sql.id(set.schema)} cascade`.execute(db.db)
      }
    })
  })
}

describe('profilesvc restart: profiles written before a stop are there after a start', () => {
  it('with embedded PGlite, file-backed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tskit-pglite-'))
    try {
      const id = uid()
      const first = await openPglite(dir)
      const a = profileservice.make({ store: profileservice.makePostgresStore(first.db.withSchema('profilesvc').withTables<profileservice.Tables>()) })
      await a.postProfile(ctx(), { id, name: 'durable', addresses: [{ id: 'home', location: 'here' }] })
      await first.close()
      // Reopening with the image again must not overwrite the data already on disk.
      const second = await openPglite(dir)
      try {
        const b = profileservice.make({ store: profileservice.makePostgresStore(second.db.withSchema('profilesvc').withTables<profileservice.Tables>()) })
        expect(await b.getProfile(ctx(), id)).toEqual({ id, name: 'durable', addresses: [{ id: 'home', location: 'here' }] })
      } finally {
        await second.close()
      }
      await expect(second.ping()).rejects.toBeInstanceOf(UnavailableError)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(!hasServer)('with the PostgreSQL server', async () => {
    const first = await kitsql.open({ url: serverUrl })
    const schema = await freshSchema(first)
    try {
      const id = uid()
      await profileservice.make({ store: profileservice.makePostgresStore(schema.db) }).postProfile(ctx(), { id, name: 'durable' })
      await first.close()
      const second = await kitsql.open({ url: serverUrl })
      try {
        const db = second.db.withSchema(schema.name).withTables<profileservice.Tables>()
        expect(await profileservice.make({ store: profileservice.makePostgresStore(db) }).getProfile(ctx(), id)).toEqual({ id, name: 'durable' })
      } finally {
        await sql`drop schema if exists ${sql.id(schema.name)} cascade`.execute(second.db)
        await second.close()
      }
    } finally {
      await first.close()
    }
  })
})

describe('npm run migrate', () => {
  it('reports status, reverts and applies migrations, and refuses unknown commands and services', async () => {
    const db = await openPglite()
    try {
      const names = Object.keys(profilemigrations.migrations)
      const [first, last] = [names[0], names.at(-1)]
      expect(await runMigrate('status', ['profilesvc'], db)).toEqual(names.map((n) => expect.stringMatching(new RegExp(`^profilesvc  ${n}  applied \\d{4}-`))))
      expect(await runMigrate('down', ['profilesvc'], db)).toEqual([`profilesvc  down ${last}`])
      expect(await runMigrate('down', ['profilesvc'], db)).toEqual([`profilesvc  down ${first}`])
      expect(await runMigrate('status', ['profilesvc'], db)).toEqual(names.map((n) => `profilesvc  ${n}  pending`))
      expect(await runMigrate('up', ['profilesvc'], db)).toEqual(names.map((n) => `profilesvc  up ${n}`))
      expect(await runMigrate('up', ['profilesvc'], db)).toEqual(['profilesvc  nothing to do'])
      await expect(runMigrate('sideways', ['profilesvc'], db)).rejects.toThrow('unknown command "sideways"')
      await expect(runMigrate('status', ['nosuchsvc'], db)).rejects.toThrow('no migrations for "nosuchsvc"')
    } finally {
      await db.close()
    }
  })
})
