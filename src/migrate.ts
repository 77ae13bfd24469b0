// migrate is the second entrypoint, beside main.ts: it runs services'
// database migrations against the database main would use (DATABASE_URL, or
// embedded PGlite under DATA_DIR), configured by the same variables.
//
//   npm run migrate -- up [service…]      apply every pending migration
//   npm run migrate -- down [service…]    revert the last applied migration
//   npm run migrate -- status [service…]  list migrations and when each ran
//
// Services default to every service that has migrations. Each service's
// tables and migration history live in its own schema (see kit/sql/migrate).
// Do not run it against a DATA_DIR that a running process has open: PGlite
// allows one process per data directory.

import { pathToFileURL } from 'node:url'
import { ConfigError, parseConfig } from './config.js'
import * as kitsql from './kit/sql/index.js'
import type { ServiceName } from './registry.js'

//#region profilesvc imports
import * as profilemigrations from '../migrations/profilesvc/index.js'
//#endregion profilesvc imports

/** sets lists the migrations of every service that keeps data (registry: database), listed statically so they run under tsx and from dist/. */
const sets: Readonly<Partial<Record<ServiceName, kitsql.MigrationSet>>> = {
  //#region profilesvc
  profilesvc: profilemigrations.set,
  //#endregion profilesvc
}
const withMigrations = Object.keys(sets)

const usage = `usage: migrate up|down|status [${withMigrations.join('|')}…]`

/** run performs command for services and returns the lines to print. */
export async function run(command: string, services: readonly string[], db: kitsql.Database): Promise<string[]> {
  const out: string[] = []
  for (const name of services) {
    const set = Object.hasOwn(sets, name) ? sets[name as ServiceName] : undefined
    if (set === undefined) throw new UsageError(`no migrations for ${JSON.stringify(name)}`)
    if (command === 'status') {
      for (const m of await kitsql.status(db.db, set)) {
        out.push(`${name}  ${m.name}  ${m.executedAt ? `applied ${m.executedAt.toISOString()}` : 'pending'}`)
      }
    } else if (command === 'up' || command === 'down') {
      const done = await kitsql.migrate(db.db, set, command === 'up' ? 'latest' : 'down')
      out.push(...(done.length === 0 ? [`${name}  nothing to do`] : done.map((d) => `${name}  ${d}`)))
    } else {
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  }
  return out
}

/** UsageError is a command line mistake: printed with the usage, exit status 2. */
class UsageError extends Error {}

/** main parses argv and the environment, opens the database, runs the command and closes. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...named] = argv
  if (command === undefined) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  let config
  try {
    config = parseConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`migrate: ${err.message}\n`)
    return 2
  }
  const db = await kitsql.open({ url: config.databaseUrl, dataDir: config.dataDir, ...config.database })
  try {
    const lines = await run(command, named.length > 0 ? named : withMigrations, db)
    process.stdout.write(lines.map((l) => `${l}\n`).join(''))
    return 0
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`migrate: ${err.message}\n${usage}\n`)
    return 2
  } finally {
    await db.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`migrate: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
