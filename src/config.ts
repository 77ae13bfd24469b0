/**
 * Configuration is read once, here, from the environment: no other module
 * reads process.env (Peter Bourgon, "Go best practices, six years in": only
 * main decides configuration). A bad value stops the process at start with a
 * message naming the variable and what it allows. The names are the
 * contract of ../shared/WIRE.md; README.md lists each with its default.
 */

/** ServiceName names a service this build can host or reach. */
export type ServiceName = 'addsvc' | 'stringsvc' | 'profilesvc'

/** serviceNames lists every service, in the order main builds them. */
export const serviceNames: readonly ServiceName[] = ['addsvc', 'stringsvc', 'profilesvc']

/** LogLevel is a pino level name. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** Config is everything main needs to build and run the component graph. */
export interface Config {
  readonly host: string
  readonly port: number
  readonly adminPort: number
  readonly grpcPort: number
  readonly jsonrpcPort: number
  readonly natsUrl: string | undefined
  /** natsSubjectPrefix starts addsvc's NATS subjects (<prefix>.sum) and names its queue group. */
  readonly natsSubjectPrefix: string
  /** tracing is true when an OpenTelemetry trace exporter is configured (see telemetrySettings). */
  readonly tracing: boolean
  readonly logLevel: LogLevel
  /** services are hosted by this process. */
  readonly services: ReadonlySet<ServiceName>
  /** remote says where each service this process does not host lives (URLs, or one DNS name). */
  readonly remote: Readonly<Partial<Record<ServiceName, readonly string[]>>>
  /** stringsvcProxy lists the peers Uppercase is proxied to (Go kit's -proxy); empty means local. */
  readonly stringsvcProxy: readonly string[]
  readonly limits: { readonly sum: number; readonly concat: number; readonly uppercase: number; readonly count: number }
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  /** database bounds the pool to DATABASE_URL: size, connect timeout, statement timeout. */
  readonly database: { readonly poolMax: number; readonly connectTimeoutMs: number; readonly statementTimeoutMs: number }
  /** migrateOnStart runs hosted services' migrations at start (default: on for embedded PGlite, off for DATABASE_URL). */
  readonly migrateOnStart: boolean
  /** bodyLimit caps request bodies in bytes. */
  readonly bodyLimit: number
  /** shutdownTimeoutMs bounds how long in-flight requests may drain after SIGTERM. */
  readonly shutdownTimeoutMs: number
}

/** ConfigError says which variable is wrong and what it allows. */
export class ConfigError extends Error {
  constructor(name: string, value: string, allowed: string) {
    super(`${name}=${JSON.stringify(value)} is invalid: ${allowed}`)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** parseConfig validates env and returns the Config, throwing ConfigError on the first bad value. */
export function parseConfig(env: Env = process.env): Config {
  // SERVICES=none hosts nothing: an edge that only routes to remote services.
  const services = list(env, 'SERVICES', 'addsvc,stringsvc,profilesvc').filter((s) => s !== 'none')
  for (const s of services) {
    if (!serviceNames.includes(s as ServiceName)) {
      throw new ConfigError('SERVICES', env.SERVICES ?? '', `a comma-separated list of ${serviceNames.join(', ')}, or none`)
    }
  }
  const remote: Partial<Record<ServiceName, readonly string[]>> = {}
  for (const s of serviceNames) {
    const name = `${s.toUpperCase()}_URL`
    const urls = list(env, name, '')
    for (const u of urls) url(name, u, urls.length, s === 'addsvc' ? addsvcSchemes : [])
    if (urls.length > 0) remote[s] = urls
  }
  const proxy = list(env, 'STRINGSVC_PROXY', '')
  for (const u of proxy) url('STRINGSVC_PROXY', u, proxy.length)
  return {
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 8081, 0, 65535),
    adminPort: int(env, 'ADMIN_PORT', 8080, 0, 65535),
    grpcPort: int(env, 'GRPC_PORT', 8082, 0, 65535),
    jsonrpcPort: int(env, 'JSONRPC_PORT', 8084, 0, 65535),
    natsUrl: optional(env, 'NATS_URL'),
    natsSubjectPrefix: subjectPrefix(env, 'NATS_SUBJECT_PREFIX', 'addsvc'),
    tracing: telemetrySettings(env).enabled,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    services: new Set(services as ServiceName[]),
    remote,
    stringsvcProxy: proxy,
    limits: {
      sum: num(env, 'SUM_RATE_LIMIT', 10_000, 0.001),
      concat: num(env, 'CONCAT_RATE_LIMIT', 10_000, 0.001),
      uppercase: num(env, 'UPPERCASE_RATE_LIMIT', 10_000, 0.001),
      count: num(env, 'COUNT_RATE_LIMIT', 10_000, 0.001),
    },
    databaseUrl: optional(env, 'DATABASE_URL'),
    dataDir: str(env, 'DATA_DIR', './data'),
    database: {
      poolMax: int(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 2_000, 1, 600_000),
      statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 1, 3_600_000),
    },
    migrateOnStart: bool(env, 'MIGRATE_ON_START', optional(env, 'DATABASE_URL') === undefined),
    bodyLimit: int(env, 'BODY_LIMIT', 64 * 1024, 1, 64 * 1024 * 1024),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  }
}

/** TelemetrySettings is what the telemetry preload needs from the standard OTEL_* variables. */
export interface TelemetrySettings {
  /** enabled is true when a trace exporter is configured and the SDK is not disabled. */
  readonly enabled: boolean
  /** exporter is OTEL_TRACES_EXPORTER's first value: otlp (default once enabled) or console. */
  readonly exporter: 'otlp' | 'console'
  /** logsExporter tells whether OTEL_LOGS_EXPORTER asks for OpenTelemetry logs too. */
  readonly logsExporter: boolean
}

/**
 * telemetrySettings derives whether tracing is on from the standard OTEL_*
 * variables. The SDK's own default is to export to localhost:4318 always; ours
 * is off unless an exporter is named (OTEL_TRACES_EXPORTER=otlp|console) or an
 * OTLP endpoint is given, so a process with no collector pays nothing.
 * src/telemetry.ts (the preload) and parseConfig both use it, so they agree.
 */
export function telemetrySettings(env: Env = process.env): TelemetrySettings {
  const exporters = list(env, 'OTEL_TRACES_EXPORTER', '')
  const endpoint = optional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  const disabled = optional(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || exporters.includes('none')
  for (const e of exporters) {
    if (e !== 'otlp' && e !== 'console' && e !== 'none') {
      throw new ConfigError('OTEL_TRACES_EXPORTER', env.OTEL_TRACES_EXPORTER ?? '', 'otlp, console or none')
    }
  }
  const logs = list(env, 'OTEL_LOGS_EXPORTER', 'none')
  return {
    enabled: !disabled && (exporters.length > 0 || endpoint !== undefined),
    exporter: exporters[0] === 'console' ? 'console' : 'otlp',
    logsExporter: !logs.includes('none'),
  }
}

function subjectPrefix(env: Env, name: string, dflt: string): string {
  const v = str(env, name, dflt)
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(v)) throw new ConfigError(name, v, 'NATS subject tokens (letters, digits, _ and -) separated by dots')
  return v
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name]?.trim()
  return v === undefined || v === '' ? undefined : v
}

function str(env: Env, name: string, dflt: string): string {
  return optional(env, name) ?? dflt
}

function list(env: Env, name: string, dflt: string): string[] {
  return str(env, name, dflt)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = optional(env, name)
  if (raw === undefined) return dflt
  const v = Number(raw)
  if (!/^\d+$/.test(raw) || v < min || v > max) throw new ConfigError(name, raw, `an integer from ${min} to ${max}`)
  return v
}

function num(env: Env, name: string, dflt: number, min: number): number {
  const raw = optional(env, name)
  if (raw === undefined) return dflt
  const v = Number(raw)
  if (!Number.isFinite(v) || v < min) throw new ConfigError(name, raw, `a number of at least ${min}`)
  return v
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = optional(env, name)
  if (raw === undefined) return dflt
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(name, raw, 'true or false (also 1/0, yes/no, on/off)')
}

function oneOf<T extends string>(env: Env, name: string, dflt: T, allowed: readonly T[]): T {
  const raw = optional(env, name)
  if (raw === undefined) return dflt
  if (!allowed.includes(raw as T)) throw new ConfigError(name, raw, `one of ${allowed.join(', ')}`)
  return raw as T
}

/** addsvcSchemes are the client transports ADDSVC_URL may name besides HTTP (see transports/addsvc/client.ts). */
const addsvcSchemes = ['jsonrpc+http:', 'jsonrpc+https:', 'grpc:', 'nats:'] as const

/**
 * url accepts an absolute URL, or a bare host[:port] (Go kit's clients add http:// themselves),
 * or one DNS name to re-resolve (kit/sd): dns://name:port (A/AAAA), dns+srv://_service._proto.name (SRV).
 */
function url(name: string, value: string, count: number, more: readonly string[] = []): void {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  const also = more.map((s) => `${s}//`).join(', ')
  const allowed = `URLs (http://host:port${also ? `, ${also}` : ''}) or host:port, comma-separated, or one dns://name:port or dns+srv://name`
  if (!URL.canParse(withScheme)) throw new ConfigError(name, value, allowed)
  const u = new URL(withScheme)
  const dns = u.protocol === 'dns:' || u.protocol === 'dns+srv:'
  if (!dns && u.protocol !== 'http:' && u.protocol !== 'https:' && !more.includes(u.protocol)) throw new ConfigError(name, value, allowed)
  if (dns && (count > 1 || (u.protocol === 'dns:' && u.port === ''))) throw new ConfigError(name, value, allowed)
}
