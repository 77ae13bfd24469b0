/**
 * thriftClient calls a remote addsvc over Thrift (Go kit's NewThriftClient
 * without the baked-in policy): codecs only, over one persistent connection
 * that close releases. The consumer adds balancing, retries and breakers in
 * main, through kit/lb. A business error comes back in the reply's err field
 * and is rebuilt as the same class from its message, which is all Go kit's
 * server sends; a fault comes back as an application exception and is
 * rebuilt from the code its message names. Endpoints has both methods, so
 * one missing here does not compile.
 */
import type * as addendpoint from '../../endpoints/addsvc/index.js'
import type { Tracer } from '../../kit/tracing.js'
import * as kitthriftc from '../../kit/transport/thrift-client.js'
import * as addservice from '../../services/addsvc/index.js'
import { ConcatArgs, ConcatReply, SumArgs, SumReply } from './thrift-structs.js'

/** ThriftClient is Endpoints over one connection, which close releases. */
export interface ThriftClient extends addendpoint.Endpoints {
  close(): void
}

/**
 * thriftClient returns Endpoints that call the addsvc instance at url,
 * thrift://host:port[?protocol=binary|compact|json&framed=true&buffered=true].
 */
export function thriftClient(url: string, opts: { readonly tracer?: Tracer } = {}): ThriftClient {
  const conn = kitthriftc.connect(kitthriftc.parseTarget(url))
  const common = {
    decodeError: addservice.errors.fromCode,
    fromMessage: addservice.errors.fromMessage,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
  }
  return {
    sum: kitthriftc.unary(conn, 'Sum', {
      args: SumArgs,
      reply: SumReply,
      encode: (req: addendpoint.SumRequest) => ({ a: req.a, b: req.b }),
      decode: (reply): addendpoint.SumResponse => ({ v: reply.value }),
      replyError: (reply) => reply.err,
    }, common),
    concat: kitthriftc.unary(conn, 'Concat', {
      args: ConcatArgs,
      reply: ConcatReply,
      encode: (req: addendpoint.ConcatRequest) => ({ a: req.a, b: req.b }),
      decode: (reply): addendpoint.ConcatResponse => ({ v: reply.value }),
      replyError: (reply) => reply.err,
    }, common),
    close: () => conn.close(),
  }
}
