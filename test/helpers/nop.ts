/**
 * Test doubles for the kit's dependencies (Go kit's log.NewNopLogger and
 * metrics/discard): they stand in for observability, never for our own code.
 */
import { background, type Context } from '../../src/kit/context.js'
import * as kitlog from '../../src/kit/log.js'
import * as kitmetrics from '../../src/kit/metrics.js'
import * as kittracing from '../../src/kit/tracing.js'

/** log is a logger that discards everything. */
export const log = kitlog.nop()
/** metrics are a counter and a histogram that record nothing. */
export const metrics = kitmetrics.discard()
/** tracer records no spans. */
export const tracer = kittracing.nop()
/** ctx returns a fresh background Context. */
export const ctx = (): Context => background('test')
