/**
 * clients turns a table of client transports, keyed by URL scheme, into the
 * one factory a consumer hands to kit/lb's balance: `<SERVICE>_URL`'s scheme
 * alone decides how a remote service is reached (http://, grpc://, nats://…),
 * and every scheme yields the same Endpoints with the same error classes. A
 * bare host:port gets http://, as Go kit's clients assume. close() releases
 * whatever the dialled clients opened (channels, connections).
 */

/** Closers collects the release functions of what dialled clients opened. */
export type OnClose = (close: () => Promise<void> | void) => void

/** Dial makes the Endpoints of one instance from its URL, registering what it opened with onClose. */
export type Dial<E> = (url: URL, onClose: OnClose) => E

/** ClientFactory makes Endpoints for one instance URL; close releases everything it opened. */
export interface ClientFactory<E> {
  (instance: string): E
  /** schemes lists the URL schemes this factory dials. */
  readonly schemes: readonly string[]
  close(): Promise<void>
}

/** withScheme adds Go kit's default http:// to a bare host:port. */
export function withScheme(instance: string): URL {
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `http://${instance}`)
}

/** clients returns the factory dispatching on each instance URL's scheme ("http:", "grpc:", …). */
export function clients<E>(service: string, dials: Readonly<Record<string, Dial<E>>>): ClientFactory<E> {
  const closers: (() => Promise<void> | void)[] = []
  const onClose: OnClose = (close) => void closers.push(close)
  const schemes = Object.keys(dials)
  const factory = (instance: string): E => {
    const url = withScheme(instance)
    const dial = Object.hasOwn(dials, url.protocol) ? dials[url.protocol] : undefined
    if (dial === undefined) throw new TypeError(`${service} client: unsupported scheme ${url.protocol} in ${instance} (use ${schemes.join(', ')})`)
    return dial(url, onClose)
  }
  return Object.assign(factory, {
    schemes,
    async close() {
      await Promise.all(closers.splice(0).map((c) => c()))
    },
  })
}
