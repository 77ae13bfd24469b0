/**
 * The other half of Go kit's sd: a Registrar announces this instance in a
 * service registry (etcd, ZooKeeper, Consul) when it is ready to serve, keeps
 * the announcement alive (a lease, a session, a TTL check) while it runs, and
 * withdraws it at shutdown, before the listeners close, so consumers stop
 * sending new calls first. An instance that dies without deregistering drops
 * out on its own when the lease, session or check expires.
 */

/** Registrar registers this instance with a service registry (Go kit's sd.Registrar). */
export interface Registrar {
  /**
   * register announces the instance and starts keeping it alive; it resolves
   * once the registry holds it and rejects (without retrying) when the first
   * attempt fails. Losses after that are repaired in the background.
   */
  register(): Promise<void>
  /** deregister withdraws the instance and releases the connection; it is idempotent and fast. */
  deregister(): Promise<void>
}

/** once wraps an async release so that only its first call runs and every call waits for it. */
export function once(release: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= release())
}
