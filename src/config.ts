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
  readonly logLevel: LogLevel
  /** services are hosted by this process. */
  readonly services: ReadonlySet<ServiceName>
  /** remote says where each service this process does not host lives (URLs, or one DNS name). */
  readonly remote: Readonly<Partial<Record<ServiceName, readonly string[]>>>
  /** stringsvcProxy lists the peers Uppercase is proxied to (Go kit's -proxy); empty means local. */
  readonly stringsvcProxy: readonly string[]
  readonly limits: { readonly sum: number; readonly concat: number }
  readonly databaseUrl: string | undefined
  readonly dataDir: string
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
  const services = list(env, 'SERVICES', 'addsvc,stringsvc,profilesvc')
  for (const s of services) {
    if (!serviceNames.includes(s as ServiceName)) {
      throw new ConfigError('SERVICES', env.SERVICES ?? '', `a comma-separated list of ${serviceNames.join(', ')}`)
    }
  }
  const remote: Partial<Record<ServiceName, readonly string[]>> = {}
  for (const s of serviceNames) {
    const name = `${s.toUpperCase()}_URL`
    const urls = list(env, name, '')
    for (const u of urls) url(name, u)
    if (urls.length > 0) remote[s] = urls
  }
  const proxy = list(env, 'STRINGSVC_PROXY', '')
  for (const u of proxy) url('STRINGSVC_PROXY', u)
  return {
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 8081, 0, 65535),
    adminPort: int(env, 'ADMIN_PORT', 8080, 0, 65535),
    grpcPort: int(env, 'GRPC_PORT', 8082, 0, 65535),
    jsonrpcPort: int(env, 'JSONRPC_PORT', 8084, 0, 65535),
    natsUrl: optional(env, 'NATS_URL'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    services: new Set(services as ServiceName[]),
    remote,
    stringsvcProxy: proxy,
    limits: {
      sum: num(env, 'SUM_RATE_LIMIT', 10_000, 0.001),
      concat: num(env, 'CONCAT_RATE_LIMIT', 10_000, 0.001),
    },
    databaseUrl: optional(env, 'DATABASE_URL'),
    dataDir: str(env, 'DATA_DIR', './data'),
    bodyLimit: int(env, 'BODY_LIMIT', 64 * 1024, 1, 64 * 1024 * 1024),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  }
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

function oneOf<T extends string>(env: Env, name: string, dflt: T, allowed: readonly T[]): T {
  const raw = optional(env, name)
  if (raw === undefined) return dflt
  if (!allowed.includes(raw as T)) throw new ConfigError(name, raw, `one of ${allowed.join(', ')}`)
  return raw as T
}

/** url accepts an absolute URL, or a bare host[:port] (Go kit's clients add http:// themselves). */
function url(name: string, value: string): void {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  if (!URL.canParse(withScheme)) throw new ConfigError(name, value, 'a URL (http://host:port) or host:port')
}
