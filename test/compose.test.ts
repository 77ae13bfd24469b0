// docker-compose.yml cannot be run here (no Docker engine), so this test reads
// it and checks that every container it starts is configured consistently:
// one image for all, only variables that src/config.ts reads, ports that match
// PORT/ADMIN_PORT, every <SERVICE>_URL pointing at a container that hosts that
// service on that port, and each profile serving the whole public API once.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseConfig, serviceNames } from '../src/config.js'
import { services } from '../src/registry.js'

interface ComposeService {
  image?: string
  build?: unknown
  profiles?: string[]
  environment?: Record<string, string | number>
  ports?: string[]
  depends_on?: string[] | Record<string, unknown>
}

const root = new URL('..', import.meta.url)
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }
const configSource = readFileSync(fileURLToPath(new URL('src/config.ts', root)), 'utf8')
// Ours are the containers built from this repository (the x-tskit anchor); all run one image.
const ours = Object.entries(compose.services).filter(([, s]) => s.build === '.')
const env = (s: ComposeService): Record<string, string> => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]))

describe('docker-compose.yml', () => {
  it('runs every tskit container from the one image built here', () => {
    // The monolith, the split's edge, and one container per service of the registry.
    expect(ours.map(([n]) => n).sort()).toEqual(['edge', 'monolith', ...serviceNames].sort())
    expect(new Set(ours.map(([, s]) => s.image)).size).toBe(1)
  })

  it('sets only variables that src/config.ts reads, with values it accepts', () => {
    for (const [name, s] of ours) {
      for (const key of Object.keys(env(s))) {
        // <SERVICE>_URL names are built from serviceNames; every other name appears literally.
        if (serviceNames.some((n) => `${n.toUpperCase()}_URL` === key)) continue
        expect(configSource, `${name}: ${key}`).toContain(`'${key}'`)
      }
      expect(() => parseConfig(env(s)), name).not.toThrow()
    }
  })

  it('publishes each container port that the config listens on', () => {
    for (const [name, s] of ours) {
      const c = parseConfig(env(s))
      for (const p of s.ports ?? []) {
        const inner = Number(p.split(':').at(-1))
        expect([c.port, c.adminPort], `${name} ${p}`).toContain(inner)
      }
    }
  })

  it('points every <SERVICE>_URL at a container of the same profile that hosts that service on that port', () => {
    for (const [name, s] of ours) {
      const c = parseConfig(env(s))
      for (const svc of serviceNames) {
        for (const target of c.services[svc].remote ?? []) {
          const u = new URL(target)
          const host = compose.services[u.hostname]
          expect(host, `${name} → ${target}`).toBeDefined()
          const hc = parseConfig(env(host as ComposeService))
          expect(hc.services[svc].hosted, `${u.hostname} hosts ${svc}`).toBe(true)
          expect(String(hc.port)).toBe(u.port)
          expect(host?.profiles?.some((p) => s.profiles?.includes(p)), `${u.hostname} shares a profile with ${name}`).toBe(true)
          const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {})
          expect(deps, `${name} depends on ${u.hostname}`).toContain(u.hostname)
        }
      }
    }
  })

  it('serves every service exactly once per profile, publicly from one container', () => {
    for (const profile of ['monolith', 'split']) {
      const inProfile = ours.filter(([, s]) => s.profiles?.includes(profile))
      for (const svc of serviceNames) {
        const hosts = inProfile.filter(([, s]) => parseConfig(env(s)).services[svc].hosted)
        expect(hosts.length, `${profile}: ${svc}`).toBe(1)
      }
      const published = inProfile.filter(([, s]) => (s.ports ?? []).length > 0)
      expect(published.length, profile).toBe(1)
      const [, front] = published[0] as [string, ComposeService]
      const fc = parseConfig(env(front))
      for (const svc of serviceNames) expect(fc.services[svc].hosted || fc.services[svc].remote !== undefined, `${profile} front reaches ${svc}`).toBe(true)
    }
  })

  it('gives every service that keeps data a PostgreSQL with a healthcheck, in every profile', () => {
    const keepData = serviceNames.filter((n) => services[n].database)
    if (keepData.length === 0) return
    const pg = compose.services.postgres
    expect(pg?.image).toMatch(/^postgres:/)
    expect(pg?.profiles?.sort()).toEqual(['monolith', 'split'])
    expect(pg).toHaveProperty('healthcheck')
    for (const [name, s] of ours.filter(([, s]) => keepData.some((n) => parseConfig(env(s)).services[n].hosted))) {
      expect(new URL(env(s).DATABASE_URL ?? '').hostname, name).toBe('postgres')
      expect((s.depends_on as Record<string, { condition: string }>).postgres?.condition).toBe('service_healthy')
    }
  })
})

describe('docker-compose.yml observability', () => {
  const volumes = (name: string): string[] => (compose.services[name] as { volumes?: string[] } | undefined)?.volumes ?? []
  const mounted = (v: string): string => v.split(':')[0] ?? ''

  it('mounts only files and folders that exist in the repository', () => {
    const all = [...volumes('prometheus'), ...volumes('grafana')]
    expect(all.length).toBeGreaterThanOrEqual(3)
    for (const v of all) expect(existsSync(fileURLToPath(new URL(mounted(v), root))), v).toBe(true)
  })

  it('scrapes the admin port of every tskit container, and nothing else', () => {
    const src = volumes('prometheus').find((v) => v.endsWith('/etc/prometheus/prometheus.yml:ro'))
    expect(src).toBeDefined()
    const prom = parse(readFileSync(fileURLToPath(new URL(mounted(src ?? ''), root)), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[]
    }
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort()
    const expected = ours.map(([n, s]) => `${n}:${env(s).ADMIN_PORT}`).sort()
    expect(targets).toEqual(expected)
  })
})

describe('docker-compose.yml infra profile', () => {
  it('offers every registry and backend the kit speaks to, on the ports the kit defaults to', () => {
    const infra = Object.fromEntries(Object.entries(compose.services).filter(([, c]) => c.profiles?.includes('infra')))
    const expected = { etcd: 2379, zookeeper: 2181, consul: 8500, influxdb: 8086, graphite: 2003, zipkin: 9411 }
    for (const [name, port] of Object.entries(expected)) {
      expect(infra[name], name).toBeDefined()
      expect((infra[name]?.ports ?? []).map((p) => Number(p.split(':').at(-1)?.split('/')[0])), name).toContain(port)
    }
    // None of them is ours, and none starts with the monolith or the split.
    for (const c of Object.values(infra)) expect(c.profiles).toEqual(['infra'])
  })
})
