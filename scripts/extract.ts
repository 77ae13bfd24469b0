/**
 * extract writes a standalone repository for one service:
 *
 *   npm run extract -- <name> <dir>
 *
 * It copies the tree (what git tracks, and untracked files it does not
 * ignore), removes every other service exactly as remove-service does, then
 * keeps only the parts of src/kit and src/middleware that the remaining code
 * imports, the tests whose imports still resolve, and the runtime
 * dependencies the remaining code imports. The result has its own main.ts
 * and config with just that service, a package.json, Dockerfile, compose
 * file, README and .ci/run; in <dir>, `npm install && npm test` passes and
 * `npm start` serves the service, which the original's edge reaches at
 * <NAME>_URL. It refuses to write into a non-empty directory.
 *
 * The kit travels as a copy of the files the service uses, not as a package
 * both repositories depend on: the extracted service owns its kit from then
 * on (Go kit's own advice is to copy, not to import, what you adapt), and
 * the README it writes names the commit it came from, so `git diff` against
 * that commit shows any drift.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Edits, walk } from './lib/edits.js'
import { closure, missing } from './lib/imports.js'
import { md } from './lib/regions.js'
import { known, plan as planRemoval, pruneShared, UsageError } from './remove-service.js'

// The code that must keep working: the entry points, the remaining service's layers, its migrations.
const entries = (name: string, root: string): string[] => [
  'src/main.ts',
  'src/migrate.ts',
  'src/telemetry.ts',
  'src/cli.ts',
  'src/registry.ts',
  'src/config.ts',
  ...['src/services', 'src/endpoints', 'src/transports', 'migrations'].flatMap((d) => walk(join(root, d, name)).map((f) => relative(root, f))),
]

/** copyTree copies every file git would commit from root to dir. */
async function copyTree(root: string, dir: string): Promise<void> {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  for (const f of out.split('\0').filter((x) => x !== '' && existsSync(join(root, x)))) {
    await mkdir(dirname(join(dir, f)), { recursive: true })
    await cp(join(root, f), join(dir, f))
  }
}

/** prune removes kit and middleware files nothing imports, then every test or bench file that imports a removed file. */
function prune(edits: Edits, name: string): Set<string> {
  const root = edits.root
  const { files, packages } = closure(root, entries(name, root))
  for (const top of ['src/kit', 'src/middleware']) {
    for (const f of walk(join(root, top)).map((p) => relative(root, p))) if (f.endsWith('.ts') && !files.has(f)) edits.remove(f)
  }
  // The generator's templates need the whole kit, which an extracted service no longer has.
  for (const f of ['scripts/new-service.ts', 'scripts/new-service', 'test/scripts']) if (edits.exists(f)) edits.remove(f)
  return packages
}

/** dropBroken removes, until none is left, test and bench files whose local imports no longer exist. */
async function dropBroken(dir: string): Promise<string[]> {
  const dropped: string[] = []
  for (;;) {
    const broken = ['test', 'bench'].flatMap((t) => walk(join(dir, t))).map((p) => relative(dir, p)).filter((f) => f.endsWith('.ts') && missing(dir, f).length > 0)
    if (broken.length === 0) return dropped
    const edits = new Edits(dir)
    for (const f of broken) edits.remove(f)
    await edits.commit()
    dropped.push(...broken)
  }
}

/** packageJson keeps the runtime dependencies the remaining code imports, and names the package after the service. */
async function packageJson(dir: string, name: string, used: ReadonlySet<string>): Promise<void> {
  const path = join(dir, 'package.json')
  const pkg = JSON.parse(await readFile(path, 'utf8')) as { name: string; description: string; dependencies: Record<string, string>; scripts: Record<string, string> }
  pkg.name = name
  pkg.description = `${name}, extracted from a tskit template: service → endpoint → transport.`
  pkg.dependencies = Object.fromEntries(Object.entries(pkg.dependencies).filter(([d]) => used.has(d)))
  delete pkg.scripts['new-service']
  await writeFile(path, `${JSON.stringify(pkg, null, 2)}\n`)
}

/** readme writes the extracted repository's README: how to run it, and where its kit came from. */
async function readme(dir: string, root: string, name: string): Promise<void> {
  const original = await readFile(join(root, 'README.md'), 'utf8')
  const section = new RegExp(`${md.open(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n([\\s\\S]*?)${md.close(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(original)?.[1] ?? ''
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  await writeFile(
    join(dir, 'README.md'),
    `# ${name}

${name} on its own: the service, its endpoints and transports, and the parts of the toolkit it uses
(\`src/kit\`, \`src/middleware\`), extracted by \`npm run extract\` from a tskit template at commit
\`${commit.slice(0, 12)}\`.

\`\`\`sh
npm install && npm test    # lint with npm run lint, typecheck with npm run typecheck
npm start                  # serves ${name} on :8081, /metrics /healthz /readyz on :8080
\`\`\`

An edge elsewhere (the template it came from) reaches it by setting \`${name.toUpperCase()}_URL\` to this
process's address, e.g. \`${name.toUpperCase()}_URL=http://${name}:8081\`: callers keep the same \`Service\`
interface, and the contract tests prove the remote client answers as the local service does.

<!-- #region ${name} -->
${section.trim()}
<!-- #endregion ${name} -->

## The toolkit is a copy

Only the kit files this service imports were copied; the template's generator (\`new-service\`) stayed
behind, because it writes code for the whole kit. The copy is yours: nothing updates it behind your
back, and \`git diff ${commit.slice(0, 12)} -- src/kit src/middleware\` in the template's repository shows
what changed there since. \`npm run remove-service\` and \`npm run extract\` still work here.
`,
  )
}

/** main parses argv and writes the standalone repository. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, dir] = argv
  if (name === undefined || dir === undefined || argv.length > 2) {
    process.stderr.write('usage: npm run extract -- <name> <dir>\n')
    return 2
  }
  const root = fileURLToPath(new URL('..', import.meta.url))
  const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir)
  const services = known(new Edits(root))
  try {
    if (!services.includes(name)) throw new UsageError(`${name} is not a service of this build (src/registry.ts has ${services.join(', ')})`)
    if (existsSync(target) && readdirSync(target).length > 0) throw new UsageError(`${dir} is not empty`)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`extract: ${err.message}; nothing was written\n`)
    return 2
  }
  await copyTree(root, target)
  const edits = new Edits(target)
  for (const other of services.filter((s) => s !== name)) planRemoval(edits, other)
  edits.update('src/registry.ts', (t) => t.replace(/name: '[^']*'/, `name: '${name}'`))
  // A transport no remaining service speaks takes its listener out of main.ts, and with it its kit files.
  pruneShared(edits)
  await edits.commit()
  const pruning = new Edits(target)
  const used = prune(pruning, name)
  await pruning.commit()
  const dropped = await dropBroken(target)
  await packageJson(target, name, used)
  await readme(target, root, name)
  const files = walk(target).filter((f) => !f.includes('node_modules'))
  process.stdout.write(`wrote ${files.length} files to ${dir} (${dropped.length} tests dropped with the kit parts ${name} does not use)\n`)
  process.stdout.write(`next: cd ${dir} && npm install && npm test && npm start\n`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
