/**
 * A small import scanner for the extract command: which files a TypeScript
 * file imports (relative specifiers, resolved from .js to the .ts beside it)
 * and which packages (bare specifiers, static or dynamic). It reads the
 * import syntax this repository uses (`import … from '…'`, `export … from
 * '…'`, `import('…')`), which the lint rules keep to; it is not a parser.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'

const specifiers = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g
// A whole-statement type import (`import type … from`, `export type … from`) is erased at run time.
const typeOnly = /\b(?:import|export)\s+type\s[^'";]*?\bfrom\s+['"]([^'"]+)['"]/g

/** Imports are what one file pulls in. */
export interface Imports {
  /** files are repository paths of the local modules imported. */
  readonly files: readonly string[]
  /** packages are the npm package names imported ('@scope/name' or 'name'), node: builtins excluded. */
  readonly packages: readonly string[]
}

/** importsOf scans path (relative to root); with runtime, type-only imports are left out. */
export function importsOf(root: string, path: string, runtime = false): Imports {
  const source = readFileSync(join(root, path), 'utf8')
  const text = runtime ? source.replace(typeOnly, '') : source
  const files: string[] = []
  const packages: string[] = []
  for (const m of text.matchAll(specifiers)) {
    const spec = m[1] as string
    if (spec.startsWith('.')) {
      const target = normalize(join(dirname(path), spec))
      const ts = target.replace(/\.js$/, '.ts')
      files.push(existsSync(join(root, ts)) ? ts : target)
    } else if (!spec.startsWith('node:')) {
      const parts = spec.split('/')
      packages.push(spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string))
    }
  }
  return { files, packages }
}

/** closure returns every local file reachable from entries, and every package they import; with runtime, only what loads at run time. */
export function closure(root: string, entries: readonly string[], runtime = false): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const queue = entries.filter((e) => existsSync(join(root, e)))
  while (queue.length > 0) {
    const f = queue.pop() as string
    if (files.has(f) || !/\.(ts|js|mjs|cjs)$/.test(f) || !existsSync(join(root, f))) continue
    files.add(f)
    const { files: more, packages: pkgs } = importsOf(root, f, runtime)
    for (const p of pkgs) packages.add(p)
    queue.push(...more.filter((m) => !files.has(m)))
  }
  return { files, packages }
}

/** missing lists the local imports of path that do not exist in root. */
export function missing(root: string, path: string): string[] {
  return importsOf(root, path).files.filter((f) => !existsSync(join(root, f)) && !existsSync(join(root, f.replace(/\.js$/, '.ts'))))
}
