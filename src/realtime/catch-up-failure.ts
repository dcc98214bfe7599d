import { CrispApiError } from '../crisp/crisp-api-error';
import { CrispBudgetExhaustedError } from '../crisp/crisp-budget-exhausted.error';
import { isTransientDatabaseError } from '../database/database-connectivity';
import { dataRefusalState, sqlState } from '../database/database-refusal';
import type { WebsiteFailure } from './website-backoff';

/** Why one website's catch-up failed, as a metric label and a backoff class. */
export function catchUpFailureOf(error: unknown): WebsiteFailure {
  if (error instanceof CrispBudgetExhaustedError) {
    return { kind: 'budget_exhausted', retryable: false };
  }
  if (error instanceof CrispApiError) return { kind: error.kind, retryable: error.retryable };
  if (isTransientDatabaseError(error)) return { kind: 'database_unreachable', retryable: true };
  if (sqlState(error) !== null && dataRefusalState(error) !== null) {
    return { kind: 'database_refused', retryable: false };
  }
  // Unknown: as if it may pass, so it is not left waiting long for nothing.
  return { kind: 'error', retryable: true };
}
