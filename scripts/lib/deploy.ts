/**
 * How a service appears in the deployment files every service shares, and
 * how the generators add it there or take it out: docker-compose.yml (its
 * split container, and the edge's <NAME>_URL and depends_on), Prometheus'
 * scrape targets, the Kubernetes split overlay (its folder, its entry in the
 * overlay's resources, the edge's <NAME>_URL), its own Kubernetes component
 * (deploy/k8s/components/<name>, and each overlay's line including it) and
 * the Grafana dashboard (panels that query only that service's metrics). The
 * files are YAML and JSON written by hand, so the edits are line-exact on
 * their known shape, and the compose and Kubernetes tests check the result.
 */
import { join, relative } from 'node:path'
import { type Edits, walk } from './edits.js'

const compose = 'docker-compose.yml'
const prometheus = 'deploy/prometheus.yml'
const split = 'deploy/k8s/overlays/split'
const dashboard = 'deploy/grafana/dashboard.json'
const overlays = 'deploy/k8s/overlays'

// The components services share (rpc: the RPC listeners; postgres: the trial
// database): removing a service, even one named alike, never removes them.
const sharedComponents = new Set(['rpc', 'postgres'])

/** kustomizations lists every overlay's kustomization.yaml on disk, so a removal edits the process kinds that are there. */
function kustomizations(edits: Edits): string[] {
  return walk(join(edits.root, overlays))
    .map((f) => relative(edits.root, f))
    .filter((f) => f.endsWith('/kustomization.yaml'))
}

/** blockStart finds the line index of a top-level compose service ("  name:"). */
function blockOf(lines: readonly string[], name: string): [number, number] | undefined {
  const start = lines.findIndex((l) => l === `  ${name}:`)
  if (start < 0) return undefined
  let end = start + 1
  while (end < lines.length && (lines[end] === '' || (lines[end] ?? '').startsWith('    '))) end++
  return [start, end]
}

/** removeDeployment takes one service out of compose, Prometheus, Kubernetes and Grafana. */
export function removeDeployment(edits: Edits, name: string): void {
  const env = name.toUpperCase()
  edits.update(compose, (text) => {
    const lines = text.split('\n')
    const block = blockOf(lines, name)
    if (block) lines.splice(block[0], block[1] - block[0])
    return lines
      .filter((l) => !new RegExp(`^\\s+${env}_URL: `).test(l) && l !== `      - ${name}`)
      .join('\n')
      .replace(/SERVICES: ([\w,]+)/g, (_m, list: string) => `SERVICES: ${list.split(',').filter((x) => x !== name).join(',')}`)
  })
  edits.update(prometheus, (text) => text.replace(new RegExp(`, '${name}:8080'|'${name}:8080', ?`, 'g'), '').replace(new RegExp(`\\n\\s+- ${name}:8080`, 'g'), ''))
  if (edits.exists(`${split}/${name}`)) edits.remove(`${split}/${name}`)
  edits.update(`${split}/kustomization.yaml`, (text) => text.split('\n').filter((l) => l !== `  - ${name}`).join('\n'))
  edits.update(`${split}/edge/kustomization.yaml`, (text) => text.replace(new RegExp(`\\n\\s+- name: ${env}_URL\\n\\s+value: [^\\n]*`, 'g'), ''))
  if (!sharedComponents.has(name)) {
    if (edits.exists(`deploy/k8s/components/${name}`)) edits.remove(`deploy/k8s/components/${name}`)
    for (const overlay of kustomizations(edits)) {
      edits.update(overlay, (text) => text.split('\n').filter((l) => !l.trim().endsWith(`components/${name}`)).join('\n'))
    }
  }
  edits.update(dashboard, (text) => {
    const doc = JSON.parse(text) as { panels: { targets?: { expr?: string }[]; gridPos?: unknown }[] }
    const mine = new RegExp(`\\b${name}_|service="${name}"`)
    doc.panels = doc.panels.filter((p) => !(p.targets ?? []).some((t) => mine.test(t.expr ?? '')))
    return `${JSON.stringify(doc, null, 2)}\n`
  })
}

/** addDeployment puts one generated service into compose, Prometheus and the Kubernetes split. */
export function addDeployment(edits: Edits, name: string, composeBlock: string, k8sOverlay: string): void {
  const env = name.toUpperCase()
  edits.update(compose, (text) => {
    const lines = text.split('\n')
    const edge = blockOf(lines, 'edge')
    if (!edge) throw new Error(`${compose} has no edge service to put ${name} beside`)
    const body = lines.slice(edge[0], edge[1])
    const lastUrl = body.map((l, i) => (/^ {6}[A-Z0-9]+_URL: /.test(l) ? i : -1)).filter((i) => i >= 0).at(-1)
    if (lastUrl !== undefined) body.splice(lastUrl + 1, 0, `      ${env}_URL: http://${name}:8081`)
    const dependsAt = body.findIndex((l) => l === '    depends_on:')
    if (dependsAt >= 0) {
      let end = dependsAt + 1
      while ((body[end] ?? '').startsWith('      - ')) end++
      body.splice(end, 0, `      - ${name}`)
    }
    lines.splice(edge[0], edge[1] - edge[0], ...body)
    const at = lines.indexOf('  edge:')
    lines.splice(at, 0, ...composeBlock.replace(/\n$/, '').split('\n'))
    return lines.join('\n')
  })
  edits.update(prometheus, (text) => text.replace(/(\['edge:8080'[^\]]*)\]/, `$1, '${name}:8080']`))
  edits.write(`${split}/${name}/kustomization.yaml`, k8sOverlay)
  edits.update(`${split}/kustomization.yaml`, (text) => {
    const lines = text.split('\n')
    const last = lines.map((l, i) => (/^ {2}- [a-z][a-z0-9]*$/.test(l) ? i : -1)).filter((i) => i >= 0).at(-1)
    if (last === undefined) throw new Error(`${split}/kustomization.yaml lists no process to put ${name} after`)
    lines.splice(last + 1, 0, `  - ${name}`)
    return lines.join('\n')
  })
  edits.update(`${split}/edge/kustomization.yaml`, (text) => {
    const m = [...text.matchAll(/\n(\s+)- name: [A-Z0-9]+_URL\n\s+value: [^\n]*/g)].at(-1)
    if (!m) throw new Error(`${split}/edge/kustomization.yaml has no *_URL to put ${env}_URL after`)
    const at = (m.index ?? 0) + m[0].length
    const indent = m[1] ?? ''
    return `${text.slice(0, at)}\n${indent}- name: ${env}_URL\n${indent}  value: dns://tskit-${name}:8081${text.slice(at)}`
  })
}
