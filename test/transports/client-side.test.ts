// Each service's client side (transports/<name>/client.ts: its clients, the
// codecs and messages they share with the servers, the service's errors and
// types) stands apart from its server side: nothing it imports, however
// indirectly, is a server binding of the service or a server of the kit. So
// an edge or a dependent that only calls a service loads nothing of its
// server side (type-only imports, erased at run time, aside). Checked for
// every service of the registry.
import { describe, expect, it } from 'vitest'
import { serviceNames } from '../../src/registry.js'
import { closure } from '../../scripts/lib/imports.js'

const serverSide = /^src\/(transports\/[a-z0-9]+\/(http|grpc|jsonrpc|nats|thrift)\.ts|kit\/transport\/(http-server|http-app|admin|grpc-server|jsonrpc-server|nats-server|thrift-server)\.ts|endpoints\/|middleware\/)/

describe('the client side of every service', () => {
  it.each(serviceNames)('%s: client.ts imports nothing of a server side', (name) => {
    const { files } = closure('.', [`src/transports/${name}/client.ts`], true)
    expect(files.size).toBeGreaterThan(3)
    expect([...files].filter((f) => serverSide.test(f))).toEqual([])
  })
})
