import { isTransientDatabaseError } from './database-connectivity';

export interface TransientRetryOptions {
  /** How long failures may go on, with no progress between them, before the work gives up. */
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * A database restart or a terminated session takes seconds; an outage of minutes is one an
 * operator must see. So work that meets a transient database error waits and resumes, with
 * exponential backoff, for at most `windowMs` counted from the first failure since the work last
 * made progress (a commit), and then gives up.
 */
export const DEFAULT_TRANSIENT_RETRY: TransientRetryOptions = {
  windowMs: 120_000,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

/** One piece of work's streak of transient failures: how long to wait, or when to give up. */
export class TransientRetryWindow {
  private failingSince: number | null = null;
  private failures = 0;

  constructor(
    private readonly options: TransientRetryOptions = DEFAULT_TRANSIENT_RETRY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The wait before trying again after `error`, or null: not transient, or the window is spent. */
  delayAfter(error: unknown): number | null {
    return isTransientDatabaseError(error) ? this.failed() : null;
  }

  /** The wait before the next attempt, or null: the window is spent, give up. */
  failed(): number | null {
    const now = this.now();
    this.failingSince ??= now;
    if (now - this.failingSince > this.options.windowMs) return null;
    const delay = Math.min(
      this.options.maxDelayMs,
      this.options.baseDelayMs * 2 ** Math.min(this.failures, 30),
    );
    this.failures += 1;
    // Never wait past the window's end only to give up then: the last attempt comes at its end.
    return Math.max(0, Math.min(delay, this.failingSince + this.options.windowMs - now));
  }

  /** The work committed something: a later failure starts a new window. */
  progressed(): void {
    this.failingSince = null;
    this.failures = 0;
  }
}
