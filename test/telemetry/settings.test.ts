// When tracing is on: only when a trace exporter is configured through the
// standard OTEL_* variables. Otherwise the preload does not import the SDK at
// all and main uses the no-op tracer, so an unconfigured process pays nothing.
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, telemetrySettings } from '../../src/config.js'

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

  it('stays off when the SDK is disabled or the exporter is none', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false)
    expect(telemetrySettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled).toBe(false)
  })

  it('refuses an exporter it cannot start, naming the variable', () => {
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkinn' })).toThrow(ConfigError)
    expect(() => telemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkinn' })).toThrow(/OTEL_TRACES_EXPORTER/)
  })
})

describe('transport configuration', () => {
  it('accepts grpc://, nats:// and jsonrpc+http:// for ADDSVC_URL, and a NATS subject prefix', () => {
    const c = parseConfig({ ADDSVC_URL: 'grpc://addsvc:8082', NATS_SUBJECT_PREFIX: 'prod.addsvc' })
    expect(c.remote.addsvc).toEqual(['grpc://addsvc:8082'])
    expect(c.natsSubjectPrefix).toBe('prod.addsvc')
    expect(parseConfig({ ADDSVC_URL: 'nats://nats:4222/addsvc' }).remote.addsvc).toEqual(['nats://nats:4222/addsvc'])
    expect(parseConfig({ ADDSVC_URL: 'jsonrpc+http://addsvc:8084' }).remote.addsvc).toEqual(['jsonrpc+http://addsvc:8084'])
    expect(parseConfig({}).natsSubjectPrefix).toBe('addsvc')
  })

  it('refuses a bad subject prefix and a transport scheme for a service without it', () => {
    expect(() => parseConfig({ NATS_SUBJECT_PREFIX: 'add svc.*' })).toThrow(/NATS_SUBJECT_PREFIX/)
    expect(() => parseConfig({ STRINGSVC_URL: 'grpc://stringsvc:8082' })).toThrow(/STRINGSVC_URL/)
  })
})
