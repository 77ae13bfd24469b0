// Configuration read at start. When tracing is on: only when a trace exporter is configured through the
// standard OTEL_* variables. Otherwise the preload does not import the SDK at
// all and main uses the no-op tracer, so an unconfigured process pays nothing.
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, telemetrySettings } from '../../src/config.js'
import { type ServiceName, serviceNames, services } from '../../src/registry.js'

describe('telemetrySettings', () => {
  it('is off with no OTEL_* variables, unlike the SDK whose default exports to localhost:4318', () => {
    expect(telemetrySettings({}).enabled).toBe(false)
    expect(parseConfig({}).tracing).toBe(false)
  })

  it('is on when an OTLP endpoint or an exporter is named', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({ enabled: true, exporter: 'otlp' })
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).enabled).toBe(true)
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ enabled: true, exporter: 'console' })
    expect(parseConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toBe(true)
  })

  it('keeps OpenTelemetry logs and metrics off unless asked: pino and Prometheus have ours', () => {
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ logsExporter: false, metricsExporter: false })
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp' }).metricsExporter).toBe(true)
  })

  it('knows whether the sampler follows the parent: the SDK default and every parentbased_* do, always_on and traceidratio do not', () => {
    expect(telemetrySettings({}).followsParent).toBe(true)
    expect(telemetrySettings({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }).followsParent).toBe(true)
    expect(telemetrySettings({ OTEL_TRACES_SAMPLER: 'always_on' }).followsParent).toBe(false)
    expect(telemetrySettings({ OTEL_TRACES_SAMPLER: 'traceidratio' }).followsParent).toBe(false)
  })

  it('stays off when the SDK is disabled or the exporter is none', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false)
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled).toBe(false)
  })

  it('refuses an exporter it cannot start, naming the variable', () => {
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkinn' })).toThrow(ConfigError)
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkinn' })).toThrow(/OTEL_TRACES_EXPORTER/)
  })
})

describe('<NAME>_URL of every service', () => {
  it.each(serviceNames)('%s: accepts exactly the schemes its clients() dials', async (name) => {
    const variable = `${name.toUpperCase()}_URL`
    const { clients } = (await import(/* @vite-ignore */ `../../src/transports/${name}/index.ts`)) as { clients: () => { schemes: readonly string[]; close(): Promise<void> } }
    const factory = clients()
    expect([...services[name].schemes].sort()).toEqual([...factory.schemes].sort())
    await factory.close()
    for (const scheme of services[name].schemes) {
      const url = `${scheme}//${name}:1234/x`
      expect(parseConfig({ SERVICES: 'none', [variable]: url }).services[name].remote).toEqual([url])
    }
    for (const scheme of ['grpc:', 'nats:', 'thrift:', 'ftp:'].filter((x) => !services[name].schemes.includes(x))) {
      expect(() => parseConfig({ [variable]: `${scheme}//${name}:1234` })).toThrow(new RegExp(variable))
    }
  })

  it('takes a registry target alone, and refuses a bad NATS subject prefix', () => {
    const [name] = serviceNames as [ServiceName]
    const variable = `${name.toUpperCase()}_URL`
    expect(parseConfig({ SERVICES: 'none', [variable]: `etcd://127.0.0.1:2379/tskit/${name}` }).services[name].remote).toEqual([`etcd://127.0.0.1:2379/tskit/${name}`])
    expect(() => parseConfig({ [variable]: `etcd://127.0.0.1:2379/tskit/${name},http://x:1` })).toThrow(new RegExp(variable))
    expect(() => parseConfig({ NATS_SUBJECT_PREFIX: 'add svc.*' })).toThrow(/NATS_SUBJECT_PREFIX/)
  })
})
