/**
 * vitest globalSetup: builds ONE PGlite data directory with the migrations
 * of every service that keeps data (src/registry.ts, database: true) applied, and hands its path to the test files (inject
 * 'pgliteImage'), which load it in about half a second instead of running
 * initdb (4 to 8 s and ~500 MB each). The image is cached under
 * node_modules/.cache/tskit, keyed by the PGlite version and the migrations'
 * source, so only the first run after a change pays for initdb.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import type { TestProject } from 'vitest/node'
import * as kitsql from '../../src/kit/sql/index.js'
import { serviceNames, services } from '../../src/registry.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** pgliteImage is the path of a dumpDataDir tarball with each data-keeping service migrated in its own schema. */
    pgliteImage: string
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const keepData = serviceNames.filter((n) => services[n].database)

/** migrationSet loads one service's migrations/<name>/index.ts. */
async function migrationSet(name: string): Promise<kitsql.MigrationSet> {
  return ((await import(/* @vite-ignore */ `../../migrations/${name}/index.ts`)) as { set: kitsql.MigrationSet }).set
}

/** imageKey hashes everything the image depends on. */
async function imageKey(): Promise<string> {
  const h = createHash('sha256')
  const pkg = JSON.parse(await readFile(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }
  h.update(pkg.version)
  for (const name of keepData) {
    const dir = join(root, 'migrations', name)
    for (const f of (await readdir(dir)).sort()) h.update(name).update(f).update(await readFile(join(dir, f)))
  }
  h.update(await readFile(join(root, 'src/kit/sql/migrate.ts')))
  return h.digest('hex').slice(0, 16)
}

/** build runs initdb and the migrations, and writes the data directory to path (atomically). */
async function build(path: string): Promise<void> {
  const pglite = await PGlite.create()
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) })
  try {
    for (const name of keepData) await kitsql.migrate(db, await migrationSet(name))
    const image = await pglite.dumpDataDir('none')
    const tmp = `${path}.${process.pid}.tmp`
    await writeFile(tmp, Buffer.from(await image.arrayBuffer()))
    await rename(tmp, path)
  } finally {
    await db.destroy()
  }
}

/** setup provides the image's path, building it when the cache lacks it. */
export async function setup(project: TestProject): Promise<void> {
  const dir = join(root, 'node_modules/.cache/tskit')
  await mkdir(dir, { recursive: true })
  const path = join(dir, `pglite-${await imageKey()}.tar`)
  const cached = await stat(path).then(
    (s) => s.size > 0,
    () => false,
  )
  if (!cached) {
    await build(path)
    // Older images (other keys) are dead weight.
    for (const f of await readdir(dir)) if (f.startsWith('pglite-') && join(dir, f) !== path && !f.endsWith('.tmp')) await rm(join(dir, f), { force: true })
  }
  project.provide('pgliteImage', path)
}
