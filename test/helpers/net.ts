/**
 * Loopback helpers shared by the tests and the benchmark: a free port for a
 * server to come, and whether an external server (PostgreSQL, NATS) is up.
 * No test-runner imports, so bench/ can use them too.
 */
import { once } from 'node:events'
import { createServer, Socket } from 'node:net'

/** freePort asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address() as { port: number }
  srv.close()
  await once(srv, 'close')
  return port
}

/** answers reports whether a TCP connection to host:port opens within a second (is an external server up?). */
export function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket()
    s.setTimeout(1_000)
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('timeout', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(false))
    s.connect(port, host)
  })
}
