/**
 * Edits stages every change a generator makes in memory, so that a command
 * either writes everything or nothing: the files are read from the tree on
 * first use, changed here, and written (or deleted) in one go by commit().
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'

/** Edits is a set of pending file changes under one root. */
export class Edits {
  readonly root: string
  readonly #pending = new Map<string, string | null>()

  constructor(root: string) {
    this.root = root
  }

  /** exists reports whether path exists, counting pending changes. */
  exists(path: string): boolean {
    const p = this.#pending.get(path)
    return p === undefined ? existsSync(join(this.root, path)) : p !== null
  }

  /** read returns path's contents, with pending changes; it throws when the file does not exist. */
  read(path: string): string {
    const p = this.#pending.get(path)
    if (p === null) throw new Error(`${path} was removed`)
    return p ?? readFileSync(join(this.root, path), 'utf8')
  }

  /** write stages path's new contents. */
  write(path: string, text: string): void {
    this.#pending.set(path, text)
  }

  /** update stages f(contents) for path, when the file exists. */
  update(path: string, f: (text: string) => string): void {
    if (this.exists(path)) this.write(path, f(this.read(path)))
  }

  /** remove stages the deletion of path (a file, or a folder and everything in it). */
  remove(path: string): void {
    const full = join(this.root, path)
    if (existsSync(full) && statSync(full).isDirectory()) {
      for (const f of walk(full)) this.#pending.set(relative(this.root, f), null)
    }
    this.#pending.set(path, null)
  }

  /** changes lists what commit() will do, as [path, 'write' | 'remove']. */
  changes(): [string, 'write' | 'remove'][] {
    return [...this.#pending].map(([p, t]) => [p, t === null ? 'remove' : 'write'])
  }

  /** commit writes every staged change to the tree. */
  async commit(): Promise<void> {
    for (const [path, text] of this.#pending) {
      const full = join(this.root, path)
      if (text === null) rmSync(full, { recursive: true, force: true })
      else {
        await mkdir(dirname(full), { recursive: true })
        await writeFile(full, text)
      }
    }
    this.#pending.clear()
  }
}

/** walk lists every file under dir, recursively. */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
}
