/**
 * Configuration is read once, here, from the environment: no other module
 * reads process.env (Peter Bourgon, "Go best practices, six years in": only
 * main decides configuration). A bad value stops the process at start with a
 * message naming the variable and what it allows. Users, scripts, compose
 * files and manifests rely on the names; README.md lists each with its
 * default. What each service takes is declared once, in src/registry.ts.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSecureContext } from 'node:tls'
import { hostname } from 'node:os'
import { schemes as metricsSchemes } from './kit/metrics/registry.js'
import type { ListenerLimits, TlsOptions } from './kit/transport/http-app.js'
import { type ServiceName, serviceNames, services as registry } from './registry.js'

export type { ServiceName } from './registry.js'
export { serviceNames } from './registry.js'

/** ServiceConfig is how this process holds one service: hosted, reached remotely, or not at all. */
export interface ServiceConfig {
  /** hosted is true when SERVICES names it: this process builds it. */
  readonly hosted: boolean
  /** remote says where it lives when not hosted (<NAME>_URL: URLs, or one DNS name); undefined when unset. */
  readonly remote: readonly string[] | undefined
  /** published is true when this process serves its public routes: hosted, or remote and named by PUBLISH. */
  readonly published: boolean
  /** limits are requests per second for its rate-limited methods (<METHOD>_RATE_LIMIT). */
  readonly limits: Readonly<Record<string, number>>
  /** lists are its extra URL-list settings (registry's lists), e.g. stringsvc's proxy peers. */
  readonly lists: Readonly<Record<string, readonly string[]>>
}

/** LogLevel is a pino level name. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** Config is everything main needs to build and run the component graph. */
export interface Config {
  readonly host: string
  readonly port: number
  readonly adminPort: number
  readonly grpcPort: number
  readonly jsonrpcPort: number
  readonly thriftPort: number
  /** thrift is the Thrift listener's wire: protocol, framing and buffering (Go kit's -thrift-* flags). */
  readonly thrift: { readonly protocol: 'binary' | 'compact' | 'json'; readonly framed: boolean; readonly buffered: boolean }
  readonly natsUrl: string | undefined
  /** natsSubjectPrefix starts addsvc's NATS subjects (<prefix>.sum) and names its queue group. */
  readonly natsSubjectPrefix: string
  /** tracing is true when an OpenTelemetry trace exporter is configured (see telemetrySettings). */
  readonly tracing: boolean
  /** tracesFollowParent is true when the sampler is parent-based (see telemetrySettings), as OpenTelemetry's default is. */
  readonly tracesFollowParent: boolean
  readonly logLevel: LogLevel
  /** metricsUrls are the push backends every metric also goes to (METRICS_URLS); Prometheus on the admin port is always on. */
  readonly metricsUrls: readonly string[]
  /** metricsPush is how often pushes happen and how long one may take. */
  readonly metricsPush: { readonly intervalMs: number; readonly timeoutMs: number }
  /** registerUrl names the registry this process registers its hosted services in (etcd://, zk://, consul://), if any. */
  readonly registerUrl: string | undefined
  /** advertiseUrl is the address registered for this process's public listener. */
  readonly advertiseUrl: string
  /** registerTtlMs is how long a registration outlives a process that died without deregistering. */
  readonly registerTtlMs: number
  /** hosted lists the services this process builds (SERVICES), in build order. */
  readonly hosted: readonly ServiceName[]
  /** services says, for every service of the registry, how this process holds it. */
  readonly services: { readonly [S in ServiceName]: ServiceConfig }
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
  /** adminHost is the admin listener's address (ADMIN_HOST, default HOST): bind it privately to keep /metrics and /readyz off the public one. */
  readonly adminHost: string
  /** auth says how callers authenticate, how this process authenticates its remote calls, and the per-client limit. */
  readonly auth: AuthConfig
  /** listener bounds headers and timeouts on the public and admin listeners (MAX_HEADER_BYTES, MAX_HEADERS_COUNT, *_TIMEOUT_MS). */
  readonly listener: ListenerLimits
  /** corsOrigins are the origins browsers may call the public API from (CORS_ORIGINS, '*' for any); undefined keeps CORS off. */
  readonly corsOrigins: readonly string[] | undefined
  /** tls serves the public listener over TLS (TLS_CERT_FILE, TLS_KEY_FILE), requiring client certificates with TLS_CLIENT_CA_FILE. */
  readonly tls: TlsOptions | undefined
  /** clientTls is what remote https calls trust and present (CLIENT_CA_FILE, CLIENT_CERT_FILE, CLIENT_KEY_FILE): undici's connect options. */
  readonly clientTls: { readonly ca?: string; readonly cert?: string; readonly key?: string } | undefined
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
  const names = `a comma-separated list of ${serviceNames.join(', ')}, or none`
  const hosted = list(env, 'SERVICES', serviceNames.join(',')).filter((s) => s !== 'none')
  for (const s of hosted) if (!isServiceName(s)) throw new ConfigError('SERVICES', env.SERVICES ?? '', names)
  const telemetry = telemetrySettings(env)
  // PUBLISH names remote services whose public routes this process serves too (an edge,
  // Go kit's apigateway); a pure edge (SERVICES=none) publishes every remote service.
  const publish = list(env, 'PUBLISH', '')
  for (const s of publish) if (!isServiceName(s)) throw new ConfigError('PUBLISH', env.PUBLISH ?? '', names)
  const services = {} as Record<ServiceName, ServiceConfig>
  for (const name of serviceNames) {
    const spec = registry[name]
    const urlVar = `${name.toUpperCase()}_URL`
    const urls = list(env, urlVar, '')
    for (const u of urls) url(urlVar, u, urls.length, spec.schemes)
    const isHosted = hosted.includes(name)
    const remote = isHosted || urls.length === 0 ? undefined : urls
    const limits: Record<string, number> = {}
    for (const m of spec.limits as readonly string[]) limits[m] = num(env, `${snake(m)}_RATE_LIMIT`, 10_000, 0.001)
    const lists: Record<string, readonly string[]> = {}
    for (const [key, variable] of Object.entries(spec.lists as Readonly<Record<string, string>>)) {
      const values = list(env, variable, '')
      for (const u of values) url(variable, u, values.length)
      lists[key] = values
    }
    const published = isHosted || (remote !== undefined && (hosted.length === 0 || publish.includes(name)))
    services[name] = { hosted: isHosted, remote, published, limits, lists }
  }
  const host = str(env, 'HOST', '0.0.0.0')
  const port = int(env, 'PORT', 8081, 0, 65535)
  const metricsUrls = list(env, 'METRICS_URLS', '')
  for (const m of metricsUrls) {
    const scheme = URL.canParse(m) ? new URL(m).protocol : ''
    if (!(metricsSchemes as readonly string[]).includes(scheme)) {
      throw new ConfigError('METRICS_URLS', m.replace(/\/\/[^@/]*@/, '//…@'), `comma-separated URLs with a scheme among ${metricsSchemes.map((x) => `${x}//`).join(', ')}`)
    }
  }
  const registerUrl = optional(env, 'REGISTER_URL')
  if (registerUrl !== undefined && !/^(etcd|zk|consul):\/\/[^/]+/i.test(registerUrl)) {
    throw new ConfigError('REGISTER_URL', registerUrl, 'etcd://host:port/root, zk://host:port/root or consul://host:port')
  }
  const tls = tlsConfig(env)
  const advertiseUrl = str(env, 'ADVERTISE_URL', `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '::' ? hostname() : host}:${port}`)
  url('ADVERTISE_URL', advertiseUrl, 1)
  return {
    host,
    port,
    metricsUrls,
    metricsPush: {
      intervalMs: int(env, 'METRICS_PUSH_INTERVAL_MS', 10_000, 100, 3_600_000),
      timeoutMs: int(env, 'METRICS_PUSH_TIMEOUT_MS', 5_000, 1, 60_000),
    },
    registerUrl,
    advertiseUrl,
    registerTtlMs: int(env, 'REGISTER_TTL_MS', 10_000, 1_000, 600_000),
    adminPort: int(env, 'ADMIN_PORT', 8080, 0, 65535),
    grpcPort: int(env, 'GRPC_PORT', 8082, 0, 65535),
    jsonrpcPort: int(env, 'JSONRPC_PORT', 8084, 0, 65535),
    thriftPort: int(env, 'THRIFT_PORT', 8083, 0, 65535),
    thrift: {
      protocol: oneOf(env, 'THRIFT_PROTOCOL', 'binary', ['binary', 'compact', 'json'] as const),
      framed: bool(env, 'THRIFT_FRAMED', false),
      buffered: bool(env, 'THRIFT_BUFFERED', false),
    },
    natsUrl: optional(env, 'NATS_URL'),
    natsSubjectPrefix: subjectPrefix(env, 'NATS_SUBJECT_PREFIX', 'addsvc'),
    tracing: telemetry.enabled,
    tracesFollowParent: telemetry.followsParent,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    hosted: serviceNames.filter((n) => hosted.includes(n)),
    services,
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
    adminHost: str(env, 'ADMIN_HOST', host),
    auth: authConfig(env),
    listener: listenerLimits(env),
    corsOrigins: corsOrigins(env),
    tls,
    clientTls: clientTlsConfig(env),
  }
}

/** listenerLimits reads the listeners' header caps and timeouts; node requires headers to be due no later than the whole request. */
function listenerLimits(env: Env): ListenerLimits {
  const headersTimeoutMs = int(env, 'HEADERS_TIMEOUT_MS', 10_000, 1, 3_600_000)
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1, 3_600_000)
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS', String(headersTimeoutMs), `at most REQUEST_TIMEOUT_MS (${requestTimeoutMs}): the headers are part of the request`)
  }
  return {
    maxHeaderBytes: int(env, 'MAX_HEADER_BYTES', 16_384, 1_024, 1_048_576),
    maxHeadersCount: int(env, 'MAX_HEADERS_COUNT', 100, 1, 10_000),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 1, 3_600_000),
  }
}

/** corsOrigins reads CORS_ORIGINS: exact origins (scheme, host, port; no path) or '*'. */
function corsOrigins(env: Env): readonly string[] | undefined {
  const origins = list(env, 'CORS_ORIGINS', '')
  for (const o of origins) {
    if (o !== '*' && !(URL.canParse(o) && new URL(o).origin === o)) {
      throw new ConfigError('CORS_ORIGINS', env.CORS_ORIGINS ?? '', 'comma-separated origins such as https://app.example.com (no path, no trailing slash), or *')
    }
  }
  return origins.length > 0 ? origins : undefined
}

/** pemFile reads the PEM file a variable names, checking it holds a certificate or a private key; undefined when unset. */
function pemFile(env: Env, name: string, kind: 'certificate' | 'private key'): string | undefined {
  const path = optional(env, name)
  if (path === undefined) return undefined
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(name, path, `a readable PEM file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`)
  }
  try {
    if (kind === 'certificate') new X509Certificate(pem)
    else createPrivateKey(pem)
  } catch {
    throw new ConfigError(name, path, `a PEM file holding a ${kind}`)
  }
  return pem
}

/** pair reads a certificate and its key, both or neither, and checks that the key is the certificate's. */
function pair(env: Env, certVar: string, keyVar: string): { cert: string; key: string } | undefined {
  const cert = pemFile(env, certVar, 'certificate')
  const key = pemFile(env, keyVar, 'private key')
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined || key === undefined) {
    const [missing, other] = cert === undefined ? [certVar, keyVar] : [keyVar, certVar]
    throw new ConfigError(missing, '', `set together with ${other}: a certificate and its key, both or neither`)
  }
  try {
    createSecureContext({ cert, key })
  } catch {
    throw new ConfigError(keyVar, optional(env, keyVar) ?? '', `the private key of the certificate in ${certVar}`)
  }
  return { cert, key }
}

/** tlsConfig reads TLS_CERT_FILE and TLS_KEY_FILE, and TLS_CLIENT_CA_FILE, which only makes sense with them. */
function tlsConfig(env: Env): TlsOptions | undefined {
  const own = pair(env, 'TLS_CERT_FILE', 'TLS_KEY_FILE')
  const clientCa = pemFile(env, 'TLS_CLIENT_CA_FILE', 'certificate')
  if (own === undefined && clientCa !== undefined) {
    throw new ConfigError('TLS_CLIENT_CA_FILE', optional(env, 'TLS_CLIENT_CA_FILE') ?? '', 'needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are asked for over TLS only')
  }
  return own && (clientCa === undefined ? own : { ...own, clientCa })
}

/** clientTlsConfig reads CLIENT_CA_FILE (the CA remote instances' certificates must chain to) and CLIENT_CERT_FILE with CLIENT_KEY_FILE (ours). */
function clientTlsConfig(env: Env): Config['clientTls'] {
  const ca = pemFile(env, 'CLIENT_CA_FILE', 'certificate')
  const own = pair(env, 'CLIENT_CERT_FILE', 'CLIENT_KEY_FILE')
  if (ca === undefined) return own
  return own === undefined ? { ca } : { ca, ...own }
}

/** TelemetrySettings is what the telemetry preload needs from the standard OTEL_* variables. */
export interface TelemetrySettings {
  /** enabled is true when a trace exporter is configured and the SDK is not disabled. */
  readonly enabled: boolean
  /** exporter is OTEL_TRACES_EXPORTER's first value: otlp (default once enabled), zipkin or console. */
  readonly exporter: 'otlp' | 'zipkin' | 'console'
  /** zipkinEndpoint is OTEL_EXPORTER_ZIPKIN_ENDPOINT, or OpenTelemetry's default http://localhost:9411/api/v2/spans. */
  readonly zipkinEndpoint: string
  /** logsExporter tells whether OTEL_LOGS_EXPORTER asks for OpenTelemetry logs too. */
  readonly logsExporter: boolean
  /** metricsExporter tells whether OTEL_METRICS_EXPORTER asks for OpenTelemetry metrics too (ours are Prometheus's). */
  readonly metricsExporter: boolean
  /** followsParent is true when OTEL_TRACES_SAMPLER is parentbased_* (the SDK's default): a child of an unsampled span is never sampled. */
  readonly followsParent: boolean
}

/**
 * telemetrySettings derives whether tracing is on from the standard OTEL_*
 * variables. The SDK's own default is to export to localhost:4318 always; ours
 * is off unless an exporter is named (OTEL_TRACES_EXPORTER=otlp|zipkin|console)
 * or an OTLP endpoint is given, so a process with no collector pays nothing.
 * src/telemetry.ts (the preload) and parseConfig both use it, so they agree.
 */
export function telemetrySettings(env: Env = process.env): TelemetrySettings {
  const exporters = list(env, 'OTEL_TRACES_EXPORTER', '')
  const endpoint = optional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  const disabled = optional(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || exporters.includes('none')
  for (const e of exporters) {
    if (e !== 'otlp' && e !== 'zipkin' && e !== 'console' && e !== 'none') {
      throw new ConfigError('OTEL_TRACES_EXPORTER', env.OTEL_TRACES_EXPORTER ?? '', 'otlp, zipkin, console or none')
    }
  }
  const zipkin = optional(env, 'OTEL_EXPORTER_ZIPKIN_ENDPOINT') ?? 'http://localhost:9411/api/v2/spans'
  if (!/^https?:\/\//.test(zipkin) || !URL.canParse(zipkin)) {
    throw new ConfigError('OTEL_EXPORTER_ZIPKIN_ENDPOINT', zipkin, 'an http:// or https:// URL, e.g. http://localhost:9411/api/v2/spans')
  }
  const logs = list(env, 'OTEL_LOGS_EXPORTER', 'none')
  const metrics = list(env, 'OTEL_METRICS_EXPORTER', 'none')
  return {
    enabled: !disabled && (exporters.length > 0 || endpoint !== undefined),
    exporter: exporters[0] === 'console' || exporters[0] === 'zipkin' ? exporters[0] : 'otlp',
    zipkinEndpoint: zipkin,
    logsExporter: !logs.includes('none'),
    metricsExporter: !metrics.includes('none'),
    followsParent: str(env, 'OTEL_TRACES_SAMPLER', 'parentbased_always_on').startsWith('parentbased_'),
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

/** isServiceName reports whether s names a service of the registry. */
function isServiceName(s: string): s is ServiceName {
  return Object.hasOwn(registry, s)
}

/** snake turns a method name into its variable stem: getProfile → GET_PROFILE. */
function snake(method: string): string {
  return method.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/**
 * url accepts an absolute URL, or a bare host[:port] (Go kit's clients add http:// themselves),
 * or one DNS name to re-resolve (kit/sd): dns://name:port (A/AAAA), dns+srv://_service._proto.name (SRV),
 * or one service registry to watch: etcd://host:port/prefix/name, zk://host:port/path/name, consul://host:port/name.
 */
function url(name: string, value: string, count: number, schemes: readonly string[] = ['http:', 'https:']): void {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  const also = schemes.filter((s) => s !== 'http:').map((s) => `${s}//`).join(', ')
  const allowed = `URLs (http://host:port${also ? `, ${also}` : ''}) or host:port, comma-separated, or one dns://name:port, dns+srv://name, etcd://host:port/prefix/name, zk://host:port/path/name or consul://host:port/name`
  if (!URL.canParse(withScheme)) throw new ConfigError(name, value, allowed)
  const u = new URL(withScheme)
  const dns = u.protocol === 'dns:' || u.protocol === 'dns+srv:'
  const registry = u.protocol === 'etcd:' || u.protocol === 'zk:' || u.protocol === 'consul:'
  if (!dns && !registry && !schemes.includes(u.protocol)) throw new ConfigError(name, value, allowed)
  if ((dns || registry) && count > 1) throw new ConfigError(name, value, allowed)
  if (dns && u.protocol === 'dns:' && u.port === '') throw new ConfigError(name, value, allowed)
  if (registry && u.pathname.replace(/\/+$/, '') === '') throw new ConfigError(name, value, allowed)
}

/**
 * cliDefaults gives the command-line client (src/cli.ts) the instance it
 * calls for each service unless --url says otherwise: the first of the
 * service's <NAME>_URL, else main's own default address, http://127.0.0.1:8081.
 */
export function cliDefaults(env: Env = process.env): { readonly [S in ServiceName]: string } {
  const urls = {} as Record<ServiceName, string>
  for (const name of serviceNames) urls[name] = list(env, `${name.toUpperCase()}_URL`, '')[0] ?? 'http://127.0.0.1:8081'
  return urls
}

/** JwtConfig is how bearer tokens are verified: the keys, the pinned algorithms, the required iss and aud. */
export interface JwtConfig {
  readonly secret: string | undefined
  /** publicKey is JWT_PUBLIC_KEY's PEM (a literal \n in the variable reads as a newline). */
  readonly publicKey: string | undefined
  readonly jwksUrl: string | undefined
  readonly algorithms: readonly string[]
  readonly issuer: string | undefined
  readonly audience: readonly string[] | undefined
}

/** AuthConfig is the authentication settings; everything is off when no variable is set. */
export interface AuthConfig {
  /** jwt verifies bearer tokens, when JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL is set. */
  readonly jwt: JwtConfig | undefined
  /** basicUsers verifies Basic credentials (BASIC_AUTH_USERS, user → password). */
  readonly basicUsers: Readonly<Record<string, string>> | undefined
  /** sign is what remote calls carry when their caller sent no credential: CLIENT_TOKEN, else a token minted with JWT_SECRET. */
  readonly sign: { readonly token: string } | { readonly secret: string; readonly algorithm: 'HS256' | 'HS384' | 'HS512' } | undefined
  /** clientRateLimit is requests per second per client (CLIENT_RATE_LIMIT); undefined when unset. */
  readonly clientRateLimit: number | undefined
}

// A secret is never echoed in an error; this stands in for its value.
const hidden = '(hidden)'
const algorithmNames = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
const curveOf: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }

/** publicKeyKind reads JWT_PUBLIC_KEY and says what it can verify: rsa, ec (with its curve) or ed25519. */
function publicKeyKind(pem: string): { type: string; curve: string | undefined } {
  const allowed = 'a PEM public key (-----BEGIN PUBLIC KEY-----, RSA, EC or Ed25519), never a private key'
  if (/PRIVATE KEY/.test(pem)) throw new ConfigError('JWT_PUBLIC_KEY', hidden, allowed)
  try {
    const key = createPublicKey(pem)
    return { type: key.asymmetricKeyType ?? '', curve: key.asymmetricKeyDetails?.namedCurve }
  } catch {
    throw new ConfigError('JWT_PUBLIC_KEY', '(PEM not shown)', allowed)
  }
}

/**
 * authConfig reads the JWT_*, BASIC_AUTH_USERS, CLIENT_TOKEN and
 * CLIENT_RATE_LIMIT variables. The algorithms are pinned here: `none` is
 * refused, and so is any algorithm no configured key can verify (HS* need
 * JWT_SECRET; RS*, PS*, ES*, EdDSA a JWT_PUBLIC_KEY of that kind or JWT_JWKS_URL).
 */
function authConfig(env: Env): AuthConfig {
  const secret = optional(env, 'JWT_SECRET')
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('JWT_SECRET', hidden, 'at least 32 bytes, as HS256 needs a 256-bit key (e.g. openssl rand -base64 32)')
  }
  const publicKey = optional(env, 'JWT_PUBLIC_KEY')?.replaceAll('\\n', '\n')
  const kind = publicKey === undefined ? undefined : publicKeyKind(publicKey)
  const jwksUrl = optional(env, 'JWT_JWKS_URL')
  if (jwksUrl !== undefined && (!/^https?:\/\//.test(jwksUrl) || !URL.canParse(jwksUrl))) {
    throw new ConfigError('JWT_JWKS_URL', jwksUrl, 'an http:// or https:// URL serving a JWK Set')
  }
  const asymmetric = kind?.type === 'ec' ? 'ES256' : kind?.type === 'ed25519' ? 'EdDSA' : 'RS256'
  const dflt = [...(secret ? ['HS256'] : []), ...(publicKey || jwksUrl ? [asymmetric] : [])].join(',')
  const algorithms = list(env, 'JWT_ALGORITHMS', dflt)
  const raw = env.JWT_ALGORITHMS ?? ''
  const on = secret !== undefined || publicKey !== undefined || jwksUrl !== undefined
  for (const name of ['JWT_ALGORITHMS', 'JWT_ISSUER', 'JWT_AUDIENCE']) {
    if (!on && optional(env, name) !== undefined) throw new ConfigError(name, env[name] ?? '', 'needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL to verify tokens with')
  }
  for (const alg of algorithms) {
    if (!algorithmNames.includes(alg)) throw new ConfigError('JWT_ALGORITHMS', raw, `a comma-separated list of ${algorithmNames.join(', ')} (none is never accepted)`)
    const fits = alg.startsWith('HS')
      ? secret !== undefined
      : jwksUrl !== undefined ||
        (alg.startsWith('ES') ? kind?.type === 'ec' && kind.curve === curveOf[alg] : alg === 'EdDSA' ? kind?.type === 'ed25519' : kind?.type === 'rsa' || kind?.type === 'rsa-pss')
    if (!fits) throw new ConfigError('JWT_ALGORITHMS', raw || alg, `${alg} needs ${alg.startsWith('HS') ? 'JWT_SECRET' : 'JWT_JWKS_URL or a JWT_PUBLIC_KEY of its kind'}`)
  }
  const hmac = algorithms.find((a): a is 'HS256' | 'HS384' | 'HS512' => a.startsWith('HS'))
  if (secret !== undefined && hmac === undefined) throw new ConfigError('JWT_ALGORITHMS', raw, 'must include HS256, HS384 or HS512 when JWT_SECRET is set')
  const audience = list(env, 'JWT_AUDIENCE', '')
  const jwt = on ? { secret, publicKey, jwksUrl, algorithms, issuer: optional(env, 'JWT_ISSUER'), audience: audience.length > 0 ? audience : undefined } : undefined

  const users = list(env, 'BASIC_AUTH_USERS', '')
  const basicUsers: Record<string, string> = {}
  for (const entry of users) {
    const colon = entry.indexOf(':')
    if (colon < 1 || colon === entry.length - 1) throw new ConfigError('BASIC_AUTH_USERS', hidden, 'comma-separated user:password pairs, neither part empty')
    basicUsers[entry.slice(0, colon)] = entry.slice(colon + 1)
  }
  if (on && users.length > 0) throw new ConfigError('BASIC_AUTH_USERS', hidden, 'not together with JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL: choose one way to authenticate')

  const token = optional(env, 'CLIENT_TOKEN')
  if (token !== undefined && !/^((bearer|basic) )?[\x21-\x7e]+$/i.test(token)) throw new ConfigError('CLIENT_TOKEN', hidden, 'a token (or "Bearer <token>", "Basic <base64>") of printable ASCII without spaces')
  const rate = optional(env, 'CLIENT_RATE_LIMIT')
  return {
    jwt,
    basicUsers: users.length > 0 ? basicUsers : undefined,
    sign: token !== undefined ? { token } : secret !== undefined && hmac !== undefined ? { secret, algorithm: hmac } : undefined,
    clientRateLimit: rate === undefined ? undefined : num(env, 'CLIENT_RATE_LIMIT', 0, 0.001),
  }
}
