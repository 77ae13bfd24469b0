/**
 * new-service creates a complete service in the examples' shape:
 *
 *   npm run new-service -- <name> [--methods m1,m2] [--uses svc]
 *
 * With --uses, the new service takes that (generated) service's Service as
 * a dependency, local or remote alike, and its first method's placeholder
 * calls it: the pattern for a service that calls another.
 * It writes the three layers (service with its middleware and errors,
 * endpoints with the standard policy, HTTP/JSON-RPC/NATS/gRPC transports
 * with their clients), the tests (unit, HTTP, contract local vs remote), and
 * adds the service to everything every service shares: its registry entry
 * (configuration: <NAME>_URL, <METHOD>_RATE_LIMIT), its main.ts stanza, its
 * compose and Kubernetes entries, its scrape target and its README section.
 * Right after it, lint, typecheck and the tests pass with no edit. A bad or
 * taken name is refused with a message, and nothing is written.
 *
 * The templates are TypeScript functions (scripts/new-service/*.ts) rather
 * than a template engine: they typecheck with the rest, and the CI test of
 * this command (test/scripts/new-service.test.ts) typechecks, lints and runs
 * what they produce.
 */
import { fileURLToPath } from 'node:url'
import { Edits } from './lib/edits.js'
import { methodNames, type MethodNames, serviceNames } from './lib/names.js'
import { add, md } from './lib/regions.js'
import { addDeployment } from './lib/deploy.js'
import { endpointLayer, serviceLayer, type Use } from './new-service/layers.js'
import { testFiles } from './new-service/tests.js'
import { transportLayer } from './new-service/transports.js'
import { cliEntry, composeService, k8sOverlay, mainStanza, readmeSection, registryEntry } from './new-service/wiring.js'

/** UsageError is a refused command line: printed without a stack, exit status 2. */
export class UsageError extends Error {}

/** plan stages every file of a new service in edits, or throws UsageError saying why not. */
export function plan(edits: Edits, name: string, methodList: readonly string[], useList: readonly string[] = []): void {
  let s
  let methods: MethodNames[]
  try {
    s = serviceNames(name)
    methods = methodList.map(methodNames)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (methods.length === 0) throw new UsageError('give at least one method (--methods m1,m2)')
  if (new Set(methodList).size !== methodList.length) throw new UsageError(`--methods names a method twice: ${methodList.join(',')}`)
  if (new RegExp(`^  ${name}: \\{`, 'm').test(edits.read('src/registry.ts'))) throw new UsageError(`${name} is already a service of this build (src/registry.ts)`)
  const uses = useList.map((u) => use(edits, u))
  const files = { ...serviceLayer(s, methods, uses), ...endpointLayer(s, methods), ...transportLayer(s, methods), ...testFiles(s, methods, uses) }
  for (const dir of [`src/services/${name}`, `src/endpoints/${name}`, `src/transports/${name}`, `migrations/${name}`]) {
    if (edits.exists(dir)) throw new UsageError(`${dir} already exists: pick another name or remove it first`)
  }
  for (const path of Object.keys(files)) if (edits.exists(path)) throw new UsageError(`${path} already exists`)
  for (const [path, text] of Object.entries(files)) edits.write(path, text)

  const registry = registryEntry(s, methods)
  edits.update('src/registry.ts', (t) => add(add(t, registry.imports, 'imports'), registry.entry, 'service'))
  const main = mainStanza(s, uses)
  edits.update('src/main.ts', (t) => add(add(t, main.imports, 'imports'), main.stanza, 'service'))
  addDeployment(edits, name, composeService(s), k8sOverlay(s))
  const cli = cliEntry(s, methods)
  edits.update('src/cli.ts', (t) => add(add(t, cli.imports, 'imports'), cli.entry, 'service'))
  edits.update('README.md', (t) => add(t, readmeSection(s, methods), 'service', md))
}

/**
 * use checks that name is a service the new one can call: a generated one
 * (its methods take and answer a string), whose first method the placeholder
 * calls. A hand-written service's methods are its own; call them yourself.
 */
function use(edits: Edits, name: string): Use {
  let names
  try {
    names = serviceNames(name)
  } catch (err) {
    throw new UsageError(`--uses: ${(err as Error).message}`)
  }
  if (!new RegExp(`^  ${name}: \\{`, 'm').test(edits.read('src/registry.ts'))) throw new UsageError(`--uses ${name}: not a service of this build`)
  const path = `src/services/${name}/service.ts`
  const method = edits.exists(path) ? /^\s+(\w+)\(ctx: Context, s: string\): Promise<string>$/m.exec(edits.read(path))?.[1] : undefined
  if (method === undefined) throw new UsageError(`--uses ${name}: only a generated service (methods taking and answering a string) can be wired by the generator; pass a hand-written one in main.ts yourself`)
  return { names, method }
}

/** main parses argv, plans the new service and writes it. */
async function main(argv: readonly string[]): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const [name, ...rest] = argv
  const at = rest.indexOf('--methods')
  const methods = at >= 0 ? (rest[at + 1] ?? '').split(',').filter((m) => m !== '') : ['hello']
  const usesAt = rest.indexOf('--uses')
  const uses = usesAt >= 0 ? (rest[usesAt + 1] ?? '').split(',').filter((u) => u !== '') : []
  if (name === undefined || name.startsWith('-') || (at >= 0 && rest[at + 1] === undefined)) {
    process.stderr.write('usage: npm run new-service -- <name> [--methods m1,m2] [--uses svc1,svc2]\n')
    return 2
  }
  const edits = new Edits(root)
  try {
    plan(edits, name, methods, uses)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`new-service: ${err.message}; nothing was written\n`)
    return 2
  }
  const changes = edits.changes()
  await edits.commit()
  for (const [path, what] of changes) process.stdout.write(`${what === 'write' ? 'wrote' : 'removed'}  ${path}\n`)
  process.stdout.write(`\n${name} is ready: npm run lint && npm run typecheck && npm test, then SERVICES=${name} npm start\n`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
