/**
 * Logging is a dependency, not a global: components take a Logger and add
 * their own fields with `with`, as Go kit's log.With does. The interface is
 * deliberately small so that pino (the adapter below) can be swapped, and so
 * that tests pass `nop()`.
 */
import type { Logger as PinoLogger } from 'pino'

/** Fields are the structured key/values attached to a log line. */
export type Fields = Readonly<Record<string, unknown>>

/** Logger is the structured logger every component receives from main. */
export interface Logger {
  debug(msg: string, fields?: Fields): void
  info(msg: string, fields?: Fields): void
  warn(msg: string, fields?: Fields): void
  error(msg: string, fields?: Fields): void
  /** with returns a child logger that adds fields to every line. */
  with(fields: Fields): Logger
  /** enabled reports whether a level is logged, so hot paths can skip building fields. */
  enabled(level: 'debug' | 'info' | 'warn' | 'error'): boolean
}

/** fromPino adapts a pino logger to Logger. */
export function fromPino(p: PinoLogger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    with: (fields) => fromPino(p.child(fields)),
    enabled: (level) => p.isLevelEnabled(level),
  }
}

/** nop returns a Logger that discards everything (Go kit's log.NewNopLogger), for tests. */
export function nop(): Logger {
  const l: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    with: () => l,
    enabled: () => false,
  }
  return l
}
