/**
 * remove-service takes every trace of a service out of the tree:
 *
 *   npm run remove-service -- <name> [<name>…]
 *
 * its code in every layer, its migrations, its tests (every file under test/
 * and bench/ whose name contains the service's name), its regions in the
 * files every service shares (src/registry.ts, src/main.ts, src/cli.ts, the
 * README), its compose and Kubernetes entries, its scrape target and its
 * dashboard panels. What remains passes lint, typecheck and its tests:
 * removing any two of the three examples leaves a working template.
 */
import { fileURLToPath } from 'node:url'
import { removeDeployment } from './lib/deploy.js'
import { Edits, walk } from './lib/edits.js'
import { md, remove, transports } from './lib/regions.js'
import { relative, join } from 'node:path'

/** UsageError is a refused command line: printed without a stack, exit status 2. */
export class UsageError extends Error {}

// The files every service shares, where each service's part is a region.
const shared = ['src/registry.ts', 'src/main.ts', 'src/migrate.ts', 'src/cli.ts']

/** known lists the services src/registry.ts declares. */
export function known(edits: Edits): string[] {
  return [...edits.read('src/registry.ts').matchAll(/^ {2}([a-z][a-z0-9]*): \{$/gm)].map((m) => m[1] as string)
}

/** plan stages the removal of name in edits, or throws UsageError saying why not. */
export function plan(edits: Edits, name: string): void {
  const services = known(edits)
  if (!services.includes(name)) throw new UsageError(`${name} is not a service of this build (src/registry.ts has ${services.join(', ') || 'none'})`)
  for (const dir of [`src/services/${name}`, `src/endpoints/${name}`, `src/transports/${name}`, `migrations/${name}`]) {
    if (edits.exists(dir)) edits.remove(dir)
  }
  const mine = new RegExp(`(^|[/.-])${name}([/.-]|$)`)
  for (const top of ['test', 'bench']) {
    for (const file of walk(join(edits.root, top))) {
      const path = relative(edits.root, file)
      if (mine.test(path.slice(top.length + 1))) edits.remove(path)
    }
  }
  for (const path of shared) {
    if (!edits.exists(path)) continue
    const { text } = remove(edits.read(path), name)
    edits.write(path, text)
  }
  edits.update('README.md', (t) => remove(t, name, md).text)
  removeDeployment(edits, name)
}

/**
 * pruneShared drops the regions of main.ts that no remaining service needs:
 * a transport's listener when no service has that binding any more, the SQL
 * import when none keeps data, the auth helper when no stanza protects a
 * method. Without it, lint would fail on what they declare and nothing uses.
 */
export function pruneShared(edits: Edits): void {
  const services = known(edits)
  const has = (path: (name: string) => string): boolean => services.some((name) => edits.exists(path(name)))
  let main = edits.read('src/main.ts')
  for (const t of transports) if (!has((n) => `src/transports/${n}/${t}.ts`)) main = remove(main, t).text
  if (!has((n) => `migrations/${n}`)) main = remove(main, 'sql').text
  const unprotected = remove(main, 'protect').text
  if (!/\bprotect\(\[/.test(unprotected)) main = unprotected
  edits.write('src/main.ts', main)
}

/** main parses argv, plans the removals and writes them. */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: npm run remove-service -- <name> [<name>…]\n')
    return 2
  }
  const edits = new Edits(fileURLToPath(new URL('..', import.meta.url)))
  try {
    for (const name of argv) plan(edits, name)
    pruneShared(edits)
    if (known(edits).length === 0) throw new UsageError('that would remove every service; keep one, or add yours first (npm run new-service)')
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`remove-service: ${err.message}; nothing was changed\n`)
    return 2
  }
  const changes = edits.changes()
  await edits.commit()
  for (const [path, what] of changes) process.stdout.write(`${what === 'write' ? 'edited ' : 'removed'}  ${path}\n`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
