/**
 * Region markers are how the generators find one service's lines in files
 * shared by every service (main.ts, the registry, the CLI, the README):
 *
 *   //#region addsvc              ← TypeScript (editors fold these)
 *   …
 *   //#endregion addsvc
 *   <!-- #region addsvc -->       ← Markdown
 *
 * remove drops every region of a service (and its "imports" region), add
 * inserts a new one right after the last region of the same kind, so the
 * order of services in every file stays the order of the registry.
 */

/** transports name the regions of main.ts that belong to a transport's listener, not to a service. */
export const transports = ['grpc', 'jsonrpc', 'nats', 'thrift'] as const

/** helpers name the other regions of main.ts that serve some services only: sql (those that keep data), protect (those with authenticated methods). */
export const helpers = ['sql', 'protect'] as const

/** Syntax is how one kind of file writes its region markers. */
export interface Syntax {
  readonly open: (name: string) => string
  readonly close: (name: string) => string
}

/** ts writes TypeScript markers. */
export const ts: Syntax = { open: (n) => `//#region ${n}`, close: (n) => `//#endregion ${n}` }
/** md writes Markdown (HTML comment) markers. */
export const md: Syntax = { open: (n) => `<!-- #region ${n} -->`, close: (n) => `<!-- #endregion ${n} -->` }

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** remove drops the regions named name and `${name} imports` (markers included); it reports how many it dropped. */
export function remove(text: string, name: string, syntax: Syntax = ts): { text: string; count: number } {
  let count = 0
  for (const n of [name, `${name} imports`]) {
    const re = new RegExp(`^[ \\t]*${escape(syntax.open(n))}[ \\t]*\\n[\\s\\S]*?^[ \\t]*${escape(syntax.close(n))}[ \\t]*\\n`, 'gm')
    text = text.replace(re, () => {
      count++
      return ''
    })
  }
  // A region stood between blank lines: leave one, not two.
  return { text: text.replace(/\n{3,}/g, '\n\n'), count }
}

/**
 * add inserts block (already wrapped in its markers) after the last closing
 * marker of a region whose name matches kind (imports regions, or service
 * regions), or throws when the file has none to follow.
 */
export function add(text: string, block: string, kind: 'imports' | 'service', syntax: Syntax = ts): string {
  const closer = new RegExp(`^([ \\t]*)${escape(syntax.close('@@')).replace('@@', '([\\w-]+(?: imports)?)')}[ \\t]*$`, 'gm')
  let at = -1
  for (const m of text.matchAll(closer)) {
    const region = m[2] ?? ''
    const isImports = region.endsWith(' imports')
    const isTransport = ([...transports, ...helpers] as readonly string[]).includes(region.replace(/ imports$/, ''))
    if ((kind === 'imports') === isImports && !isTransport) at = (m.index ?? 0) + m[0].length + 1
  }
  if (at < 0) throw new Error(`no ${kind} region to insert after`)
  // Regions set apart by a blank line (main.ts's stanzas) get one too; adjacent ones (a table's entries) stay adjacent.
  const spaced = text.startsWith('\n', at) && !block.startsWith('\n')
  return text.slice(0, at) + (spaced ? '\n' : '') + block + text.slice(at)
}

/** wrap puts block (lines, already indented) between the markers of region name. */
export function wrap(name: string, block: string, indent = '', syntax: Syntax = ts): string {
  return `${indent}${syntax.open(name)}\n${block.replace(/\n?$/, '\n')}${indent}${syntax.close(name)}\n`
}
