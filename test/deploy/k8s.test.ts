// deploy/k8s cannot be applied here (there is no cluster), so this test renders
// each overlay with kustomize (built into kubectl), validates every object
// against the Kubernetes OpenAPI schemas (kubernetes-models), and checks what a
// schema cannot see: that the objects refer to one another correctly, and that
// every tskit container is configured the way src/config.ts reads it. What a
// service needs (RPC listeners, the database) is read from src/registry.ts, so
// the checks hold for whatever services a fork keeps or adds. The last suite
// breaks a rendered overlay in one place per check and expects that check to
// catch it, so no check can pass without looking.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse, parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import type { IProbe } from 'kubernetes-models/v1/Probe'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Service } from 'kubernetes-models/v1/Service'
import { type Config, parseConfig } from '../../src/config.js'
import { type ServiceName, type ServiceSpec, serviceNames, services } from '../../src/registry.js'

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, root)), 'utf8')
const overlays = ['monolith', 'split'] as const
// The registry, as plain ServiceSpecs, so any scheme may be looked for in any service's.
const registry: Readonly<Record<ServiceName, ServiceSpec>> = services

let kubectl = true
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
} catch {
  kubectl = false
  console.warn('k8s.test.ts: SKIPPED, no kubectl on PATH (its built-in kustomize renders deploy/k8s)')
}
const render = (overlay: string): unknown[] =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', fileURLToPath(new URL(`deploy/k8s/overlays/${overlay}`, root))], { encoding: 'utf8' })).map(
    (d) => d.toJS() as unknown,
  )
const rendered = new Map(kubectl ? overlays.map((o) => [o, render(o)]) : [])

// Every kind the overlays emit has its model here; any other kind fails load().
const models = [ConfigMap, Secret, Service, Deployment, StatefulSet, HorizontalPodAutoscaler, PodDisruptionBudget] as const
type K8sObject = InstanceType<(typeof models)[number]>

/** A workload is a Deployment or StatefulSet: the pods of one process kind. */
interface Workload {
  readonly ref: string
  readonly selector: Record<string, string>
  readonly labels: Record<string, string>
  readonly pod: IPodSpec
  readonly claims: readonly string[]
}

/** A process is a tskit container, with the environment it gets, what parseConfig makes of it and which names it read. */
interface Process {
  readonly ref: string
  readonly workload: Workload
  readonly container: IContainer
  readonly env: Record<string, string>
  readonly config: Config
  readonly reads: ReadonlySet<string>
}

interface Overlay {
  readonly objects: readonly K8sObject[]
  readonly services: readonly Service[]
  readonly hpas: readonly HorizontalPodAutoscaler[]
  readonly pdbs: readonly PodDisruptionBudget[]
  readonly workloads: readonly Workload[]
}

function load(docs: readonly unknown[]): Overlay {
  const objects = docs.map((doc) => {
    const { apiVersion, kind } = doc as { apiVersion?: string; kind?: string }
    const Model = models.find((m) => m.apiVersion === apiVersion && m.kind === kind)
    if (Model === undefined) throw new Error(`no kubernetes-models class for ${apiVersion} ${kind}: add it to models`)
    return new Model(doc as never)
  })
  const of = <T extends K8sObject>(m: abstract new (...args: never[]) => T): T[] => objects.filter((x): x is T => x instanceof m)
  const workloads = [...of(Deployment), ...of(StatefulSet)].map((w) => ({
    ref: `${w.kind}/${name(w)}`,
    selector: w.spec?.selector.matchLabels ?? {},
    labels: w.spec?.template.metadata?.labels ?? {},
    pod: w.spec?.template.spec ?? { containers: [] },
    claims: w instanceof StatefulSet ? (w.spec?.volumeClaimTemplates ?? []).map(name) : [],
  }))
  return { objects, services: of(Service), hpas: of(HorizontalPodAutoscaler), pdbs: of(PodDisruptionBudget), workloads }
}

const name = (x: { metadata?: { name?: string } }): string => x.metadata?.name ?? '(unnamed)'
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v)
const behind = (o: Overlay, s: Service): Workload[] => o.workloads.filter((w) => selects(s.spec?.selector, w.labels))
const containers = (o: Overlay): { ref: string; w: Workload; c: IContainer }[] =>
  o.workloads.flatMap((w) => w.pod.containers.map((c) => ({ ref: `${w.ref} ${c.name}`, w, c })))
const portNumber = (c: IContainer, port: number | string): number | undefined =>
  c.ports?.find((p) => p.name === port || p.containerPort === port)?.containerPort

/** envOf resolves a container's environment as the kubelet would: envFrom's ConfigMaps and Secrets, then env. */
function envOf(o: Overlay, c: IContainer): Record<string, string> {
  const env: Record<string, string> = {}
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef?.name ?? from.secretRef?.name
    const kind = from.configMapRef ? ConfigMap : Secret
    const source = o.objects.find((x) => x instanceof kind && name(x) === ref)
    if (source instanceof ConfigMap) Object.assign(env, source.data)
    else if (source instanceof Secret) {
      for (const [k, v] of Object.entries(source.data ?? {})) env[k] = Buffer.from(v, 'base64').toString()
      Object.assign(env, source.stringData)
    } else throw new Error(`${c.name}: envFrom names ${ref}, which is not in the overlay`)
  }
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value
  return env
}

const processes = (o: Overlay): Process[] =>
  containers(o)
    .filter(({ w }) => w.labels['app.kubernetes.io/name'] === 'tskit')
    .map(({ ref, w, c }) => {
      const env = envOf(o, c)
      const reads = new Set<string>()
      const config = parseConfig(
        new Proxy(env, {
          get: (t, k: string) => {
            reads.add(k)
            return t[k]
          },
        }),
      )
      return { ref, workload: w, container: c, env, config, reads }
    })

/** check runs one check, so that a check that throws (a missing reference) reports a problem rather than passing. */
function check(fn: (o: Overlay) => string[], o: Overlay): string[] {
  try {
    return fn(o)
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)]
  }
}

/** unless returns problem when ok is false: each check is a list of these. */
const unless = (ok: boolean, problem: string): string[] => (ok ? [] : [problem])

/** Every object passes its schema and has our name label; every workload's selector picks its own template. */
function schemas(o: Overlay): string[] {
  return [
    ...o.objects.flatMap((x) => {
      try {
        x.validate()
      } catch (err) {
        return [`${x.kind}/${name(x)}: ${err instanceof Error ? err.message : String(err)}`]
      }
      return unless(x.metadata?.labels?.['app.kubernetes.io/name'] !== undefined, `${x.kind}/${name(x)}: no app.kubernetes.io/name label`)
    }),
    ...o.workloads.flatMap((w) => unless(selects(w.selector, w.labels), `${w.ref}: its selector does not match its template's labels`)),
  ]
}

/** Every Service is in front of exactly one workload's pods, and each of its ports targets a port they declare. */
function selectors(o: Overlay): string[] {
  return o.services.flatMap((s) => {
    const ws = behind(o, s)
    if (ws.length !== 1) return [`Service/${name(s)} selects ${ws.length} workloads`]
    return (s.spec?.ports ?? []).flatMap((p) =>
      unless(
        ws[0]?.pod.containers.some((c) => portNumber(c, p.targetPort ?? p.port) !== undefined) === true,
        `Service/${name(s)}: port ${p.port} targets ${p.targetPort}, which its pods do not declare`,
      ),
    )
  })
}

/** Every probe is on a declared port; tskit's are /healthz (startup, liveness) and /readyz on ADMIN_PORT. */
function probes(o: Overlay): string[] {
  const declared = containers(o).flatMap(({ ref, c }) =>
    [c.startupProbe, c.livenessProbe, c.readinessProbe].flatMap((p) => {
      const port = p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port
      return unless(port === undefined || portNumber(c, port) !== undefined, `${ref}: a probe on port ${port}, which it does not declare`)
    }),
  )
  const tskit = processes(o).flatMap(({ ref, container: c, config }) => {
    const on = (p: IProbe | undefined, path: string): boolean => p?.httpGet?.path === path && portNumber(c, p.httpGet.port) === config.adminPort
    const budget = (c.startupProbe?.periodSeconds ?? 10) * (c.startupProbe?.failureThreshold ?? 3)
    return [
      ...unless(on(c.startupProbe, '/healthz'), `${ref}: no startupProbe on /healthz at ADMIN_PORT`),
      ...unless(on(c.livenessProbe, '/healthz'), `${ref}: no livenessProbe on /healthz at ADMIN_PORT`),
      ...unless(on(c.readinessProbe, '/readyz'), `${ref}: no readinessProbe on /readyz at ADMIN_PORT`),
      // The admin port opens once the database is open and migrated: the embedded one's first start is slow.
      ...unless(budget >= 60, `${ref}: the startupProbe gives up after ${budget} s, too soon for a first start`),
    ]
  })
  return [...declared, ...tskit]
}

// Read by a feature still to come; drop a name from here once parseConfig reads it.
const comingNames = new Set(['JWT_SECRET'])

// The listeners of components/rpc: a URL scheme, the container port serving it, and where config numbers it.
const listeners = [
  ['grpc:', 'grpc', 'GRPC_PORT', 'grpcPort'], ['jsonrpc+http:', 'jsonrpc', 'JSONRPC_PORT', 'jsonrpcPort'], ['thrift:', 'thrift', 'THRIFT_PORT', 'thriftPort'],
] as const

/** Every tskit container sets only names parseConfig reads (a typo is read by nobody), and declares the ports of the listeners its services are reached on. */
function variables(o: Overlay): string[] {
  return processes(o).flatMap(({ ref, container: c, env, config, reads }) => [
    ...Object.keys(env)
      .filter((k) => !reads.has(k) && !comingNames.has(k))
      .map((k) => `${ref}: ${k} is not read by src/config.ts`),
    ...unless(portNumber(c, 'http') === config.port, `${ref}: its port "http" is not PORT=${config.port}`),
    ...unless(portNumber(c, 'admin') === config.adminPort, `${ref}: its port "admin" is not ADMIN_PORT=${config.adminPort}`),
    ...listeners.flatMap(([scheme, port, variable, field]) => {
      const reached = serviceNames.filter((n) => config.services[n].hosted && registry[n].schemes.includes(scheme))
      return unless(
        reached.length === 0 || portNumber(c, port) === config[field],
        `${ref}: hosts ${reached.join(', ')}, reached over ${scheme}, but does not declare ${variable}=${config[field]} as "${port}"`,
      )
    }),
  ])
}

/** Every <SERVICE>_URL and DATABASE_URL names a Service of the overlay, on its port, in front of pods that serve it. */
function urls(o: Overlay): string[] {
  const problems: string[] = []
  const serviceAt = (ref: string, target: string): { u: URL; s: Service; ws: Workload[] } | undefined => {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`)
    const s = o.services.find((x) => name(x) === u.hostname)
    const port = Number(u.port || (u.protocol === 'postgres:' ? 5432 : 80))
    if (s === undefined) problems.push(`${ref}: ${target} names no Service of the overlay`)
    else if (!s.spec?.ports?.some((p) => p.port === port)) problems.push(`${ref}: ${target}: Service ${u.hostname} has no port ${port}`)
    else return { u, s, ws: behind(o, s) }
    return undefined
  }
  for (const { ref, env, config } of processes(o)) {
    for (const svc of serviceNames) {
      for (const target of config.services[svc].remote ?? []) {
        const at = serviceAt(ref, target)
        if (at === undefined) continue
        // A ClusterIP would resolve to one address, and the caller could not balance over the pods.
        if (at.u.protocol.startsWith('dns') && at.s.spec?.clusterIP !== 'None') problems.push(`${ref}: ${target} is not a headless Service`)
        const hosting = processes(o).filter((p) => at.ws.includes(p.workload) && p.config.services[svc].hosted)
        problems.push(...unless(hosting.length > 0, `${ref}: ${target}: the pods behind it do not host ${svc}`))
      }
    }
    const at = env.DATABASE_URL === undefined ? undefined : serviceAt(ref, env.DATABASE_URL)
    const server = at && containers(o).find(({ w }) => at.ws.includes(w))
    if (at && server) {
      const pg = envOf(o, server.c)
      const [user, password, db] = [at.u.username, at.u.password, at.u.pathname.slice(1)].map(decodeURIComponent)
      const same = pg.POSTGRES_USER === user && pg.POSTGRES_PASSWORD === password && pg.POSTGRES_DB === db
      problems.push(...unless(same, `${ref}: DATABASE_URL's user, password or database is not ${server.ref}'s POSTGRES_USER/PASSWORD/DB`))
    }
  }
  return problems
}

/** Only the processes hosting a service with `database: true` hold the database's credentials, and each of them does. */
function database(o: Overlay): string[] {
  return processes(o).flatMap(({ ref, env, config }) => {
    const keeping = serviceNames.filter((n) => config.services[n].hosted && registry[n].database)
    const holds = env.DATABASE_URL !== undefined
    return unless(
      holds === keeping.length > 0,
      holds ? `${ref}: holds DATABASE_URL, hosting no service with database: true` : `${ref}: hosts ${keeping.join(', ')} without DATABASE_URL`,
    )
  })
}

/** Each service is hosted once, and one ClusterIP Service is the public entry, hosting or reaching every service. */
function hosting(o: Overlay): string[] {
  const ps = processes(o)
  const once = serviceNames.flatMap((svc) => {
    const n = ps.filter((p) => p.config.services[svc].hosted).length
    return unless(n === 1, `${svc} is hosted by ${n} workloads`)
  })
  const fronts = o.services.filter((s) => s.spec?.clusterIP !== 'None' && ps.some((p) => behind(o, s).includes(p.workload)))
  const [front] = fronts
  if (front === undefined || fronts.length > 1) return [...once, `${fronts.length} ClusterIP Services in front of tskit, not 1`]
  const served = ps.filter((p) => behind(o, front).includes(p.workload))
  const reached = serviceNames.flatMap((svc) =>
    unless(served.some((p) => p.config.services[svc].published), `Service/${name(front)} does not serve ${svc}'s routes`),
  )
  return [...once, ...reached]
}

/** Every Deployment has exactly one CPU HPA aimed at it and one PDB selecting its pods alone. */
function scaling(o: Overlay): string[] {
  const deployments = o.workloads.filter((w) => w.ref.startsWith('Deployment/'))
  const target = (h: HorizontalPodAutoscaler): string => `${h.spec?.scaleTargetRef.kind}/${h.spec?.scaleTargetRef.name}`
  const pdbPods = (p: PodDisruptionBudget): Workload[] => o.workloads.filter((w) => selects(p.spec?.selector?.matchLabels, w.labels))
  return [
    ...o.hpas.flatMap((h) => unless(deployments.some((d) => d.ref === target(h)), `HPA/${name(h)} targets ${target(h)}, not in the overlay`)),
    ...o.pdbs.flatMap((p) => unless(pdbPods(p).length === 1, `PDB/${name(p)} selects ${pdbPods(p).length} workloads`)),
    ...deployments.flatMap((d) => {
      const hpas = o.hpas.filter((h) => target(h) === d.ref)
      const pdbs = o.pdbs.filter((p) => pdbPods(p).includes(d))
      const cpu =
        hpas.every((h) => h.spec?.metrics?.some((m) => m.resource?.name === 'cpu')) &&
        d.pod.containers.every((c) => c.resources?.requests?.cpu !== undefined)
      return [
        ...unless(hpas.length === 1, `${d.ref} has ${hpas.length} HPAs`),
        ...unless(pdbs.length === 1, `${d.ref} has ${pdbs.length} PDBs`),
        ...unless(cpu, `${d.ref}: its HPA needs a cpu metric, and every container a cpu request`),
      ]
    }),
  ]
}

/** Every tskit pod's grace period outlasts its preStop pause plus SHUTDOWN_TIMEOUT_MS of draining. */
function drain(o: Overlay): string[] {
  return processes(o).flatMap(({ ref, workload, container: c, config }) => {
    const [cmd, seconds = '', ...rest] = c.lifecycle?.preStop?.exec?.command ?? []
    if (cmd !== 'sleep' || !/^\d+$/.test(seconds) || rest.length > 0) return [`${ref}: preStop is not exec ["sleep", "<seconds>"]`]
    const grace = workload.pod.terminationGracePeriodSeconds ?? 30
    const drainS = config.shutdownTimeoutMs / 1000
    return unless(grace > Number(seconds) + drainS, `${ref}: terminationGracePeriodSeconds ${grace} ≤ preStop ${seconds} s + drain ${drainS} s`)
  })
}

/** Every container is unprivileged, on a read-only root filesystem, with requests and limits; tskit writes only to volumes. */
function security(o: Overlay): string[] {
  const all = containers(o).flatMap(({ ref, w, c }) => {
    const pod = w.pod.securityContext
    const sc = c.securityContext
    const user = sc?.runAsUser ?? pod?.runAsUser
    const nonRoot = (sc?.runAsNonRoot ?? pod?.runAsNonRoot) === true && user !== undefined && user > 0
    const volumes = [...(w.pod.volumes ?? []).map((v) => v.name), ...w.claims]
    return [
      ...unless(nonRoot, `${ref}: not runAsNonRoot with a non-zero runAsUser`),
      ...unless(sc?.readOnlyRootFilesystem === true, `${ref}: its root filesystem is writable`),
      ...unless(sc?.allowPrivilegeEscalation === false, `${ref}: allowPrivilegeEscalation is not false`),
      ...unless(sc?.capabilities?.drop?.includes('ALL') === true, `${ref}: does not drop ALL capabilities`),
      ...unless((sc?.seccompProfile ?? pod?.seccompProfile)?.type === 'RuntimeDefault', `${ref}: no RuntimeDefault seccomp profile`),
      ...(['requests', 'limits'] as const).flatMap((k) =>
        unless(c.resources?.[k]?.cpu !== undefined && c.resources[k].memory !== undefined, `${ref}: no cpu and memory ${k}`),
      ),
      ...(c.volumeMounts ?? []).flatMap((m) => unless(volumes.includes(m.name), `${ref}: mounts ${m.name}, which is no volume of its pod`)),
      ...unless(w.pod.automountServiceAccountToken === false, `${ref}: gets a service account token it does not use`),
    ]
  })
  const writable = processes(o).flatMap(({ ref, container: c, config }) =>
    [config.dataDir, '/tmp'].flatMap((dir) =>
      unless((c.volumeMounts ?? []).some((m) => m.mountPath === dir), `${ref}: ${dir} is not a mounted volume`),
    ),
  )
  return [...all, ...writable]
}

/** Every tskit container runs the image named once, in base/process's `images:`. */
function image(o: Overlay): string[] {
  const { images } = parse(read('deploy/k8s/base/process/kustomization.yaml')) as { images: { newName: string; newTag: string }[] }
  const named = images.map((i) => `${i.newName}:${i.newTag}`)
  return processes(o).flatMap(({ ref, container: c }) =>
    unless(named.length === 1 && c.image === named[0], `${ref}: runs ${c.image}, not ${named.join(', ')}`),
  )
}

type Check = (o: Overlay) => string[]
const checks: readonly (readonly [string, Check])[] = [
  ['every object is valid against the Kubernetes schemas, labelled, and selects its own pod template', schemas],
  ['every Service selects the pods of exactly one workload, on ports they declare', selectors],
  ['every probe is on a declared port; tskit starts and lives on /healthz and is ready on /readyz, at ADMIN_PORT', probes],
  ['every tskit container sets only variables src/config.ts reads, and declares the ports its services are reached on', variables],
  ['every <SERVICE>_URL and DATABASE_URL names a Service of the overlay on its port, in front of pods that serve it', urls],
  ['DATABASE_URL reaches exactly the processes hosting a service with database: true', database],
  ['every service is hosted once, and one ClusterIP Service serves the whole API', hosting],
  ['every Deployment has one HPA on CPU and one PDB, aimed at it alone', scaling],
  ['every tskit pod drains within its grace period: preStop + SHUTDOWN_TIMEOUT_MS < terminationGracePeriodSeconds', drain],
  ['every container runs unprivileged on a read-only root filesystem, within requests and limits', security],
  ['every tskit container runs the one image named in base/process', image],
]

describe.skipIf(!kubectl).each(overlays)('deploy/k8s/overlays/%s', (overlay) => {
  const o = load(rendered.get(overlay) ?? [])
  it.each(checks)('%s', (_title, fn) => {
    expect(check(fn, o)).toEqual([])
  })
})

// --- each check catches the mistake it is there for -------------------------

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`the split overlay has no ${what}`)
  return v
}
const find = <T extends K8sObject>(o: Overlay, m: abstract new (...args: never[]) => T, n: string): T =>
  must(o.objects.find((x): x is T => x instanceof m && name(x) === n), n)
const podOf = (o: Overlay, n: string): IPodSpec => must(find(o, Deployment, n).spec?.template.spec, `pod of ${n}`)
const tskitOf = (o: Overlay, n: string): IContainer => must(podOf(o, n).containers[0], `container of ${n}`)
const setEnv = (c: IContainer, k: string, value: string): void => {
  must(c.env?.find((e) => e.name === k), `${k} in ${c.name}`).value = value
}

const spec = <T>(x: { spec?: T; metadata?: { name?: string } }): T => must(x.spec, `spec of ${name(x)}`)

// The victims come from the registry, so the suite runs on whatever services a
// fork keeps: one service, a second, one that keeps data, and one reached over
// each RPC scheme ('' when the registry has none). A break whose victim the
// registry lacks cannot be made, and is skipped, its title saying why;
// remove-service always leaves one service, so `one` is always there.
const [one = '', two = ''] = serviceNames
const keeper = serviceNames.find((n) => registry[n].database) ?? ''
const speaker = (scheme: string): string => serviceNames.find((n) => registry[n].schemes.includes(scheme)) ?? ''
const tskit = (n: string): string => `tskit-${n}`
const urlOf = (n: string): string => `${n.toUpperCase()}_URL`
const lacks = (victim: string, what: string): string | undefined => (victim === '' ? `the registry has no ${what}` : undefined)

/** A break: what it is, the check that must catch it, how to make it, and why it cannot be made here, if it cannot. */
type Break = readonly [what: string, check: Check, breakIt: (o: Overlay) => void, cannot?: string | undefined]

const breaks: readonly Break[] = [
  ['a containerPort given as a name', schemas, (o) => { must(tskitOf(o, tskit(one)).ports?.[0], 'port').containerPort = 'http' as never }],
  ['a Service whose selector has a typo', selectors, (o) => {
    spec(find(o, Service, tskit(one))).selector = { 'app.kubernetes.io/component': one.slice(0, -1) }
  }],
  ['a readiness probe on a port nobody declares', probes, (o) => { must(tskitOf(o, tskit(one)).readinessProbe?.httpGet, 'probe').port = 'metrics' }],
  ['PORT moved in the ConfigMap but not in the Deployments', variables, (o) => {
    must(o.objects.find((x) => x instanceof ConfigMap)?.data, 'ConfigMap').PORT = '9081'
  }],
  ['a variable name with a typo', variables, (o) => { must(o.objects.find((x) => x instanceof ConfigMap)?.data, 'ConfigMap').SHUTDOWN_TIMEOUT = '10000' }],
  ...listeners.map(([scheme, port]): Break => [`a service reached over ${scheme} hosted without the "${port}" port`, variables, (o) => {
    const c = tskitOf(o, tskit(speaker(scheme)))
    c.ports = (c.ports ?? []).filter((p) => p.name !== port)
  }, lacks(speaker(scheme), `service reached over ${scheme}`)]),
  ['a <SERVICE>_URL on a port its Service does not have', urls, (o) => setEnv(tskitOf(o, 'tskit-edge'), urlOf(one), `dns://${tskit(one)}:9999`)],
  ['a dns:// URL naming a ClusterIP Service', urls, (o) => { delete spec(find(o, Service, tskit(one))).clusterIP }],
  ["a <SERVICE>_URL naming another service's pods", urls, (o) => setEnv(tskitOf(o, 'tskit-edge'), urlOf(two), `dns://${tskit(one)}:8081`), lacks(two, 'second service')],
  ['DATABASE_URL with a password the server does not have', urls, (o) => {
    must(find(o, Secret, 'tskit-database').stringData, 'stringData').DATABASE_URL = 'postgres://tskit:x@postgres:5432/tskit'
  }, lacks(keeper, 'service with database: true')],
  ['a service with database: true without the database Secret', database, (o) => {
    tskitOf(o, tskit(keeper)).envFrom?.pop()
  }, lacks(keeper, 'service with database: true')],
  ['the edge holding the database Secret', database, (o) => { tskitOf(o, 'tskit-edge').envFrom?.push({ secretRef: { name: 'tskit-database' } }) }],
  ['a service hosted by no workload', hosting, (o) => setEnv(tskitOf(o, tskit(one)), 'SERVICES', 'none')],
  ["a service's workload hosting another service too", hosting, (o) => setEnv(tskitOf(o, tskit(two)), 'SERVICES', `${two},${one}`), lacks(two, 'second service')],
  ["the edge HPA aimed at a service's Deployment", scaling, (o) => { spec(find(o, HorizontalPodAutoscaler, 'tskit-edge')).scaleTargetRef.name = tskit(one) }],
  ['a grace period no longer than preStop + drain', drain, (o) => { podOf(o, 'tskit-edge').terminationGracePeriodSeconds = 20 }],
  ['PostgreSQL with a writable root filesystem', security, (o) => {
    const [pg] = must(spec(find(o, StatefulSet, 'postgres')).template.spec, 'pod').containers
    must(pg?.securityContext, 'securityContext').readOnlyRootFilesystem = false
  }],
  ['/tmp not mounted', security, (o) => { tskitOf(o, tskit(one)).volumeMounts?.pop() }],
  ['one Deployment on another image', image, (o) => { tskitOf(o, tskit(one)).image = 'tskit:latest' }],
]

describe.skipIf(!kubectl)('the checks on a broken split overlay', () => {
  for (const [what, fn, breakIt, cannot] of breaks) {
    it.skipIf(cannot !== undefined)(`catch ${what}${cannot === undefined ? '' : ` (skipped: ${cannot})`}`, () => {
      const o = load(structuredClone(rendered.get('split') ?? []))
      expect(check(fn, o), 'the check passes before the break').toEqual([])
      breakIt(o)
      expect(check(fn, o)).not.toEqual([])
    })
  }
})
