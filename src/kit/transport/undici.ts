/**
 * undici, the kit's HTTP client library, imported on first use: a process
 * that calls no remote service (the monolith) never loads its modules, about
 * 100 ms of every start-up on Node 20.
 */
import type * as Undici from 'undici'

let loading: Promise<typeof Undici> | undefined

/** undici loads the undici module once, for the first call or pool that needs it. */
export const undici = (): Promise<typeof Undici> => (loading ??= import('undici'))
