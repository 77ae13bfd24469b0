/**
 * Every call ends in one of three outcomes. Metrics and logs use the same
 * classification so that a dashboard and a log search agree: a domain error
 * is the business saying no, a fault is everything else.
 */
import { isDomainError } from '../kit/errors.js'

/** Outcome labels how a call ended: ok, a business-level refusal, or a fault. */
export const Outcome = { Ok: 'ok', DomainError: 'domain_error', Fault: 'fault' } as const
/** Outcome is one of the three values above. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome]

/** outcomeOf classifies a thrown value. */
export function outcomeOf(err: unknown): Outcome {
  return isDomainError(err) ? Outcome.DomainError : Outcome.Fault
}
