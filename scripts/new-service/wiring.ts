/**
 * What a generated service adds to the files every service shares: its
 * entry in src/registry.ts, its imports and stanza in src/main.ts (hosted
 * here, or reached at <NAME>_URL behind the same Service, exactly as the
 * examples' stanzas), its containers in docker-compose.yml, its process kind
 * in the Kubernetes split overlay, its scrape target, and its README section.
 * Each is a region (scripts/lib/regions.ts), so remove-service takes it out
 * again.
 */
import type { MethodNames, ServiceNames } from '../lib/names.js'
import { md, wrap } from '../lib/regions.js'
import { each, type Use } from './layers.js'
import { schemes } from './transports.js'

/** registryEntry is the service's entry in src/registry.ts's services. */
export function registryEntry(s: ServiceNames, methods: readonly MethodNames[]): { imports: string; entry: string } {
  const list = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`
  return {
    imports: wrap(`${s.name} imports`, `import type * as ${s.endpoint} from './endpoints/${s.name}/index.js'`),
    entry: wrap(
      s.name,
      `  ${s.name}: {
    schemes: ${list(schemes)},
    limits: ${list(methods.map((m) => m.name))},
    idempotent: ${list(methods.map((m) => m.name))},
    database: false,
    lists: {},
  } satisfies ServiceSpec<keyof ${s.endpoint}.Endpoints>,`,
      '  ',
    ),
  }
}

/** mainStanza is the service's imports and stanza in src/main.ts. */
export function mainStanza(s: ServiceNames, uses: readonly Use[] = []): { imports: string; stanza: string } {
  const missing = (u: Use): string => `(() => {
          throw new ConfigError('SERVICES', config.hosted.join(','), '${s.name} needs ${u.names.name}: host it too, or set ${u.names.env}_URL')
        })()`
  const passed = uses.map((u) => `, ${u.names.base}s: ${u.names.base}s ?? ${missing(u)}`).join('')
  const depNote = uses.length === 0 ? '' : `\n  // It calls ${uses.map((u) => u.names.name).join(', ')}: local or remote alike, whichever stanza above built it.`
  return {
    imports: wrap(
      `${s.name} imports`,
      `import * as ${s.endpoint} from './endpoints/${s.name}/index.js'
import * as ${s.service} from './services/${s.name}/index.js'
import * as ${s.transport} from './transports/${s.name}/index.js'`,
    ),
    stanza: wrap(
      s.name,
      `  // ${s.name}: hosted here, or reached at ${s.env}_URL (http://, jsonrpc+http://,
  // grpc:// or nats://) behind the same Service.${depNote}
  const ${s.name} = config.services.${s.name}
  const ${s.base}s: ${s.service}.Service | undefined = ${s.name}.hosted
    ? ${s.service}.make({
        inputs: metrics.counter({ name: named('${s.name}_input_bytes_total'), help: 'Total UTF-8 bytes given to ${s.name} methods, by method.', labelNames: ['method'] }),${passed.length > 0 ? `\n        ${passed.slice(2)},` : ''}
      })
    : ${s.name}.remote && ${s.endpoint}.toService(await remote('${s.name}', ${s.name}.remote, ${s.transport}.clients(await clientOptions())))
  if (${s.base}s && ${s.name}.published) {
    const endpoints = ${s.endpoint}.make(${s.base}s, endpointDeps(${s.name}))
    await app.register(${s.transport}.httpRoutes(endpoints, log))
    if (${s.name}.hosted) {
      grpcServices.push(${s.transport}.grpcServer(endpoints, { log, tracer }))
      addJsonrpc('${s.name}', ${s.transport}.jsonrpcMethods(endpoints))
      natsServers.push((nc) => ${s.transport}.natsServer(nc, endpoints, { log, tracer }))
    }
  }`,
      '  ',
    ),
  }
}

/** cliEntry is the service's imports and entry in src/cli.ts's table. */
export function cliEntry(s: ServiceNames, methods: readonly MethodNames[]): { imports: string; entry: string } {
  return {
    imports: wrap(`${s.name} imports`, `import * as ${s.transport} from './transports/${s.name}/index.js'`),
    entry: wrap(s.name, `  ${s.name}: entry(${s.transport}.clients, ${s.transport}.requests, ['${methods[0]?.name ?? ''} hello']),`, '  '),
  }
}

/** composeService is the service's own container in the split profile of docker-compose.yml. */
export function composeService(s: ServiceNames): string {
  return `  ${s.name}:
    <<: *tskit
    profiles: [split]
    environment:
      <<: *env
      SERVICES: ${s.name}

`
}

/** k8sOverlay is the service's process kind in deploy/k8s/overlays/split/<name>/, with the RPC listeners its gRPC and JSON-RPC transports serve on. */
export function k8sOverlay(s: ServiceNames): string {
  return `# ${s.name} alone, reached by the edge through its headless Service tskit-${s.name}.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../base/process
components:
  - ../../../components/rpc
nameSuffix: -${s.name}
labels:
  - pairs:
      app.kubernetes.io/component: ${s.name}
    includeSelectors: true
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: tskit
      spec:
        template:
          spec:
            containers:
              - name: tskit
                env:
                  - name: SERVICES
                    value: ${s.name}
  - patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: tskit
      spec:
        clusterIP: None
`
}

/** readmeSection is the service's section of the README. */
export function readmeSection(s: ServiceNames, methods: readonly MethodNames[]): string {
  return wrap(
    s.name,
    `### ${s.name}

Generated by \`npm run new-service -- ${s.name} --methods ${methods.map((m) => m.name).join(',')}\`: every method takes
\`{"s": string}\` and answers \`{"v": string}\` with a placeholder, and an empty \`s\` is its placeholder business rule
(\`EMPTY_INPUT\`, 400). Replace both in \`src/services/${s.name}/\`.

| method | HTTP | JSON-RPC | NATS | gRPC |
|---|---|---|---|---|
${each(methods, (m) => `| ${m.name} | \`POST /${s.name}/${m.kebab}\` | \`${m.name}\` | \`${s.name}.${m.name}\` | \`/${s.name}.${s.name[0]?.toUpperCase()}${s.name.slice(1)}/${m.pascal}\` |`)}

Configuration: \`${s.env}_URL\` (where it lives when this process does not host it), ${methods.map((m) => `\`${m.snake}_RATE_LIMIT\``).join(', ')}.

\`\`\`sh
SERVICES=${s.name} npm start                                     # ${s.name} alone
curl -s -d '{"s":"hello"}' localhost:8081/${s.name}/${methods[0]?.kebab ?? ''}
\`\`\`
`,
    '',
    md,
  )
}
