/**
 * rename makes the application yours in one step:
 *
 *   npm run rename -- <name> [--metrics-prefix <prefix>]
 *
 * It changes the application's name (package.json, and project.name in
 * src/registry.ts, which titles the OpenAPI document and names NATS
 * clients), its image (docker-compose.yml, deploy/k8s's images entry, the
 * Dockerfile's and README's docker commands) and, when given, the prefix of
 * every metric it registers (project.metricsPrefix). The toolkit keeps its
 * own name: tskit is src/kit and src/middleware, whatever the application is
 * called.
 */
import { fileURLToPath } from 'node:url'
import { Edits } from './lib/edits.js'

/** UsageError is a refused command line: printed without a stack, exit status 2. */
export class UsageError extends Error {}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** plan stages the rename in edits, or throws UsageError saying why not. */
export function plan(edits: Edits, name: string, metricsPrefix?: string): void {
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(name)) throw new UsageError(`name ${JSON.stringify(name)} must be 2 to 41 lower-case letters, digits and dashes, starting with a letter`)
  if (metricsPrefix !== undefined && !/^([a-zA-Z_][a-zA-Z0-9_]*)?$/.test(metricsPrefix)) {
    throw new UsageError(`metrics prefix ${JSON.stringify(metricsPrefix)} must be a Prometheus name start: letters, digits and _ (e.g. acme_)`)
  }
  const image = /^\s+image: ([a-z0-9][a-z0-9._/-]*):latest$/m.exec(edits.read('docker-compose.yml'))?.[1]
  if (image === undefined) throw new UsageError('docker-compose.yml names no image (image: <name>:latest) to rename')
  const old = new RegExp(`(?<![\\w.-])${escape(image)}(?=:latest|:0\\.|\\s|$)`, 'gm')
  if (metricsPrefix !== undefined) {
    const was = /^ {2}metricsPrefix: '([^']*)'/m.exec(edits.read('src/registry.ts'))?.[1] ?? ''
    edits.update('deploy/grafana/dashboard.json', (t) => prefixDashboard(t, was, metricsPrefix))
  }
  edits.update('package.json', (t) => t.replace(/^ {2}"name": "[^"]*"/m, `  "name": "${name}"`))
  edits.update('src/registry.ts', (t) => {
    let out = t.replace(/^( {2}name: )'[^']*'/m, `$1'${name}'`)
    if (metricsPrefix !== undefined) out = out.replace(/^( {2}metricsPrefix: )'[^']*'/m, `$1'${metricsPrefix}'`)
    return out
  })
  edits.update('docker-compose.yml', (t) => t.replace(/^(\s+image: )\S+:latest$/m, `$1${name}:latest`))
  edits.update('deploy/k8s/base/process/kustomization.yaml', (t) => t.replace(/^(\s+newName: ).*$/m, `$1${name}`))
  // Only the docker command lines name the image: everything else called tskit is the toolkit.
  const commands = (t: string): string => t.split('\n').map((l) => (/\bdocker (build|run|push)\b|kind load|minikube image/.test(l) ? l.replace(old, name) : l)).join('\n')
  edits.update('Dockerfile', commands)
  edits.update('README.md', commands)
}

const promql = new Set(['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'avg', 'max', 'min', 'count', 'topk', 'bottomk', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset'])

/** prefixDashboard renames every metric the Grafana dashboard queries from prefix was to prefix now. */
function prefixDashboard(text: string, was: string, now: string): string {
  const doc = JSON.parse(text) as { panels: { targets?: { expr?: string }[] }[] }
  for (const target of doc.panels.flatMap((p) => p.targets ?? [])) {
    if (target.expr === undefined) continue
    // Metric names are what is left once label matchers, ranges and grouping clauses are set aside.
    const bare = target.expr.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\b(by|without)\s*\([^)]*\)/g, ' ')
    const names = new Set((bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !promql.has(w) && w.startsWith(was)))
    for (const name of names) target.expr = target.expr.replace(new RegExp(`(?<![\\w:])${escape(name)}(?![\\w:])`, 'g'), now + name.slice(was.length))
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

/** main parses argv, plans the rename and writes it. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  const at = rest.indexOf('--metrics-prefix')
  const prefix = at >= 0 ? rest[at + 1] : undefined
  if (name === undefined || name.startsWith('-') || (at >= 0 && prefix === undefined)) {
    process.stderr.write('usage: npm run rename -- <name> [--metrics-prefix <prefix>]\n')
    return 2
  }
  const edits = new Edits(fileURLToPath(new URL('..', import.meta.url)))
  try {
    plan(edits, name, prefix)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`rename: ${err.message}; nothing was changed\n`)
    return 2
  }
  const changes = edits.changes()
  await edits.commit()
  for (const [path] of changes) process.stdout.write(`edited  ${path}\n`)
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
