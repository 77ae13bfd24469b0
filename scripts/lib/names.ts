/**
 * The names one service goes by, derived from its one given name, so every
 * generator spells them the same way the hand-written examples do: the
 * folder (ordersvc), the import aliases (orderservice, orderendpoint,
 * ordertransport), the environment stem (ORDERSVC) and each method's forms
 * (createOrder → CreateOrder, CREATE_ORDER, create-order).
 */

/** ServiceNames are the spellings of one service's name. */
export interface ServiceNames {
  /** name is the service's folder and registry key: ordersvc. */
  readonly name: string
  /** base is the name without a trailing "svc", for the import aliases: order. */
  readonly base: string
  /** service, endpoint and transport are the import aliases main.ts uses: orderservice, orderendpoint, ordertransport. */
  readonly service: string
  readonly endpoint: string
  readonly transport: string
  /** env is the environment stem: ORDERSVC (ORDERSVC_URL). */
  readonly env: string
}

/** MethodNames are the spellings of one method's name. */
export interface MethodNames {
  /** name is the method as the Service and Endpoints spell it: createOrder. */
  readonly name: string
  /** pascal is CreateOrder (types, gRPC methods). */
  readonly pascal: string
  /** snake is CREATE_ORDER (environment variables). */
  readonly snake: string
  /** kebab is create-order (URL paths). */
  readonly kebab: string
}

// Words a service or method may not be named: they would shadow JavaScript or the kit's own names.
const reserved = new Set([
  'kit', 'middleware', 'services', 'endpoints', 'transports', 'main', 'config', 'registry', 'none', 'all', 'test', 'cli',
  'http', 'grpc', 'jsonrpc', 'nats', 'thrift', 'imports', 'edge', 'monolith', 'rpc', 'postgres', 'prometheus', 'grafana',
  'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'close', 'then', 'schemes',
])

/** serviceNames derives every spelling of a service name, or throws saying why the name is refused. */
export function serviceNames(name: string): ServiceNames {
  if (!/^[a-z][a-z0-9]{1,30}$/.test(name)) {
    throw new Error(`service name ${JSON.stringify(name)} must be 2 to 31 lower-case letters and digits, starting with a letter (e.g. ordersvc)`)
  }
  if (reserved.has(name)) throw new Error(`service name ${JSON.stringify(name)} is reserved`)
  const base = name.endsWith('svc') && name.length > 3 ? name.slice(0, -3) : name
  return { name, base, service: `${base}service`, endpoint: `${base}endpoint`, transport: `${base}transport`, env: name.toUpperCase() }
}

/** methodNames derives every spelling of a method name, or throws saying why the name is refused. */
export function methodNames(name: string): MethodNames {
  if (!/^[a-z][a-zA-Z0-9]{0,40}$/.test(name)) {
    throw new Error(`method name ${JSON.stringify(name)} must be camelCase letters and digits, starting with a lower-case letter (e.g. createOrder)`)
  }
  if (reserved.has(name)) throw new Error(`method name ${JSON.stringify(name)} is reserved`)
  return {
    name,
    pascal: name[0]?.toUpperCase() + name.slice(1),
    snake: name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase(),
    kebab: name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase(),
  }
}
