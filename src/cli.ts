// cli is the command-line client, a second entry point beside main.ts: Go
// kit's addsvc/cmd/addcli, for every service. It calls one method of one
// service through the same client factory main's edge uses, so every scheme
// that service's clients dial works, and prints the JSON response.
//
//   npm run cli -- <service> <method> [args…] [--url <scheme>://host:port] [--timeout ms]
//
// Nothing here lists a method by hand: the methods are the keys of the
// service's Endpoints, read from a client made for a never-dialled URL (as
// kit/lb's balance does), and each method's arguments are the request fields
// its transport declares (transports/<svc>/http.ts's requests), checked
// against their schemas before the call. A failed call prints
// `error: <message> (<CODE>)` on stderr and exits 1; a usage error exits 2.

import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import { cliDefaults, type ServiceName } from './config.js'
import { background } from './kit/context.js'
import { withDeadline } from './kit/deadline.js'
import type { Endpoint } from './kit/endpoint.js'
import type { ClientFactory } from './kit/transport/clients.js'

//#region addsvc imports
import * as addtransport from './transports/addsvc/index.js'
//#endregion addsvc imports
//#region stringsvc imports
import * as stringtransport from './transports/stringsvc/index.js'
//#endregion stringsvc imports
//#region profilesvc imports
import * as profiletransport from './transports/profilesvc/index.js'
//#endregion profilesvc imports

/** Fields are one request's fields in argument order, each with its schema. */
type Fields = Readonly<Record<string, TSchema>>

/** RequestFields names, for every method of E, exactly the fields of its request. */
type RequestFields<E> = { readonly [K in keyof E]: E[K] extends Endpoint<infer Req, unknown> ? { readonly [F in keyof Req]-?: TSchema } : never }

/** Entry is what the CLI holds of one service: its client factory, its requests' fields, and examples for --help. */
interface Entry {
  readonly clients: () => ClientFactory<Readonly<Record<string, Endpoint<unknown, unknown>>>>
  readonly requests: Readonly<Record<string, Fields>>
  readonly examples: readonly string[]
}

/**
 * entry checks at compile time that requests describe the requests of
 * clients' Endpoints, then forgets the types: arguments are checked against
 * the schemas at run time instead.
 */
function entry<E>(clients: () => ClientFactory<E>, requests: NoInfer<RequestFields<E>>, examples: readonly string[]): Entry {
  return { clients: clients as unknown as Entry['clients'], requests: requests as unknown as Entry['requests'], examples }
}

/** services are the services the CLI calls, every one the registry knows. */
const services = {
  //#region addsvc
  addsvc: entry(addtransport.clients, addtransport.requests, ['sum 1 2', 'concat a=go b=kit --url grpc://127.0.0.1:8082']),
  //#endregion addsvc
  //#region stringsvc
  stringsvc: entry(stringtransport.clients, stringtransport.requests, ['uppercase hello']),
  //#endregion stringsvc
  //#region profilesvc
  profilesvc: entry(profiletransport.clients, profiletransport.requests, [`postProfile profile='{"id":"ann","name":"Ann"}'`, 'getProfile ann']),
  //#endregion profilesvc
} satisfies { readonly [S in ServiceName]: Entry }

// The factory is called once with this never-dialled URL (RFC 2606's .invalid)
// to learn the method names; every service's client speaks http.
const probe = 'http://probe.invalid'
const usage = 'npm run cli -- <service> <method> [args…] [--url <scheme>://host:port] [--timeout ms]'
const defaultTimeoutMs = 5_000

/** UsageError is a command-line mistake: printed with the usage, exit status 2. */
class UsageError extends Error {}

/** Invocation is a parsed command line. */
interface Invocation {
  readonly positionals: readonly string[]
  readonly url: string | undefined
  readonly timeoutMs: number
  readonly help: boolean
}

/** parseArgv separates the flags from the rest; a value like -1 is an argument, not a flag. */
function parseArgv(argv: readonly string[]): Invocation {
  const positionals: string[] = []
  const flags: { url?: string; timeout?: string } = {}
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === '-h' || arg === '--help') help = true
    else if (!arg.startsWith('--')) positionals.push(arg)
    else {
      const eq = arg.indexOf('=')
      const name = eq < 0 ? arg : arg.slice(0, eq)
      if (name !== '--url' && name !== '--timeout') throw new UsageError(`unknown flag ${name}`)
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined) throw new UsageError(`${name} needs a value`)
      flags[name === '--url' ? 'url' : 'timeout'] = value
    }
  }
  const timeout = flags.timeout ?? String(defaultTimeoutMs)
  if (!/^[1-9]\d*$/.test(timeout)) throw new UsageError(`bad --timeout ${timeout}: a positive number of milliseconds`)
  return { positionals, url: flags.url, timeoutMs: Number(timeout), help }
}

/** typeOf describes a field's schema in a word: its JSON type, or an object's keys (optional ones marked ?). */
function typeOf(schema: TSchema): string {
  if (Type.IsObject(schema)) {
    const required = new Set<string>(schema.required ?? [])
    return `{${Object.keys(schema.properties).map((k) => (required.has(k) ? k : `${k}?`)).join(',')}}`
  }
  const type = (schema as { type?: unknown }).type
  return typeof type === 'string' ? type : 'json'
}

/** signature lists a method's arguments as name:type, in positional order. */
function signature(fields: Fields): string {
  return Object.entries(fields)
    .map(([name, schema]) => `${name}${Type.IsOptional(schema) ? '?' : ''}:${typeOf(schema)}`)
    .join(' ')
}

/** methodsOf returns the method names of a factory's Endpoints. */
function methodsOf(factory: ClientFactory<Readonly<Record<string, unknown>>>): string[] {
  return Object.keys(factory(probe))
}

/** helpText lists every service, its methods with their arguments, the schemes it dials, and examples. */
async function helpText(): Promise<string> {
  const defaults = cliDefaults()
  const lines = [
    `usage: ${usage}`,
    '',
    'Calls one method of a service through the client the edge uses and prints the JSON response.',
    'Arguments are key=value pairs or values in the order listed; integers as digits, objects and',
    'arrays as JSON. A failed call prints "error: <message> (<CODE>)" and exits 1; a usage error exits 2.',
    `The default --url is the service's <NAME>_URL, else http://127.0.0.1:8081; --timeout defaults to ${defaultTimeoutMs} ms.`,
  ]
  for (const [name, svc] of Object.entries(services) as [ServiceName, Entry][]) {
    const factory = svc.clients()
    lines.push('', `${name}  (dials ${factory.schemes.join(' ')}; default ${defaults[name]})`)
    for (const m of methodsOf(factory)) lines.push(`  ${m} ${signature(svc.requests[m] ?? {})}`.trimEnd())
    await factory.close()
  }
  lines.push('', 'examples:')
  for (const [name, svc] of Object.entries(services)) lines.push(...svc.examples.map((e) => `  npm run cli -- ${name} ${e}`))
  return `${lines.join('\n')}\n`
}

/** coerce reads one argument as its schema's type: strings as given, anything else as JSON (undefined when it is not). */
function coerce(schema: TSchema, raw: string): unknown {
  if (Type.IsString(schema)) return raw
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}

/** problem says what is wrong with value by schema (where, then what), or undefined when it conforms. */
function problem(schema: TSchema, value: unknown): string | undefined {
  const e = Value.Errors(schema, value)[0]
  if (e === undefined) return undefined
  const where = e.instancePath.slice(1).replaceAll('/', '.')
  // A field the schema does not allow fails its `false` sub-schema: say so plainly.
  const what = e.keyword === 'boolean' ? 'unknown field' : e.message
  return where === '' ? what : `${where}: ${what}`
}

/** request builds a method's request from key=value and positional arguments, each checked against its schema. */
function request(fields: Fields, args: readonly string[]): Record<string, unknown> {
  const names = Object.keys(fields)
  const given = new Map<string, string>()
  const positional: string[] = []
  for (const arg of args) {
    const named = /^([A-Za-z_]\w*)=(.*)$/s.exec(arg)
    if (named === null) {
      positional.push(arg)
      continue
    }
    const [, name = '', value = ''] = named
    if (!names.includes(name)) throw new UsageError(`unknown argument ${name}`)
    if (given.has(name)) throw new UsageError(`argument ${name} given twice`)
    given.set(name, value)
  }
  for (const name of names) {
    const next = given.has(name) ? undefined : positional.shift()
    if (next !== undefined) given.set(name, next)
  }
  if (positional.length > 0) throw new UsageError(`too many arguments: ${positional.join(' ')}`)
  const req: Record<string, unknown> = {}
  for (const [name, schema] of Object.entries(fields)) {
    const raw = given.get(name)
    if (raw === undefined) {
      if (Type.IsOptional(schema)) continue
      throw new UsageError(`missing argument ${name}`)
    }
    const value = coerce(schema, raw)
    const bad = value === undefined ? `not JSON, expected ${typeOf(schema)}` : problem(schema, value)
    if (bad !== undefined) throw new UsageError(`bad argument ${name}=${raw}: ${bad}`)
    req[name] = value
  }
  return req
}

/** codeOf is a failure's stable code (kit and domain errors carry one), else its class name. */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return err instanceof Error ? err.name : 'ERROR'
}

/** main parses argv, calls one method and prints its response; it resolves with the exit status. */
async function main(argv: readonly string[]): Promise<number> {
  let shown = usage
  let factory: ClientFactory<Readonly<Record<string, Endpoint<unknown, unknown>>>> | undefined
  try {
    const inv = parseArgv(argv)
    const [service, method, ...args] = inv.positionals
    if (inv.help || service === undefined) {
      // Asked for, help is the output; without a service it explains a usage error.
      const text = await helpText()
      if (inv.help) process.stdout.write(text)
      else process.stderr.write(text)
      return inv.help ? 0 : 2
    }
    if (!Object.hasOwn(services, service)) throw new UsageError(`unknown service ${service} (one of ${Object.keys(services).join(', ')})`)
    const svc: Entry = services[service as ServiceName]
    factory = svc.clients()
    const methods = methodsOf(factory)
    shown = `npm run cli -- ${service} <${methods.join('|')}> [args…]`
    if (method === undefined || !methods.includes(method)) throw new UsageError(method === undefined ? 'missing method' : `unknown method ${method} of ${service}`)
    const fields = svc.requests[method] ?? {}
    shown = `npm run cli -- ${service} ${method} ${signature(fields)}`
    const req = request(fields, args)
    const url = inv.url ?? cliDefaults()[service as ServiceName]
    let endpoints
    try {
      endpoints = factory(url)
    } catch (err) {
      const from = inv.url === undefined ? `${service.toUpperCase()}_URL` : '--url'
      throw new UsageError(`bad ${from} ${url}: ${err instanceof Error ? err.message : String(err)}`)
    }
    const call = endpoints[method]
    if (call === undefined) throw new UsageError(`unknown method ${method} of ${service}`)
    const res = await withDeadline(background(randomUUID()), Date.now() + inv.timeoutMs, (ctx) => call(ctx, req))
    process.stdout.write(`${JSON.stringify(res)}\n`)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\nusage: ${shown}\n`)
      return 2
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)} (${codeOf(err)})\n`)
    return 1
  } finally {
    await factory?.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`cli: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
