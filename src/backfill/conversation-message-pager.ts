import type { MessageBatch } from '../crisp/crisp-rest.service';

export interface MessagePage {
  /** The `timestamp_before` of the next request, or null: nothing older is left to read. */
  nextBefore: number | null;
}

/** The oldest message time of a batch (ms), or null when no message carries one. */
export function oldestTimestamp(batch: MessageBatch): number | null {
  return batch.messages.reduce<number | null>(
    (min, message) =>
      typeof message.timestamp === 'number' && (min === null || message.timestamp < min)
        ? message.timestamp
        : min,
    null,
  );
}

/**
 * Crisp returns messages newest batch first, oldest-first within a batch; paging back continues
 * with `timestamp_before` = the oldest timestamp of the batch. The history ends when Crisp says
 * so (200; 206 means older messages remain, crisp-im/ruby-crisp-api#16) or answers an empty
 * batch; never because a batch is short, since nothing documents the batch size. With
 * `stopAtOrBefore` (the newest message already stored), paging stops as soon as a batch reaches
 * back to it: everything older is already there. A batch that reaches no further back than the
 * `before` it was asked with (`timestamp_before` read as inclusive, UNVERIFIED) ends it too,
 * rather than asking for the same batch forever.
 */
export function nextPage(
  batch: MessageBatch,
  stopAtOrBefore: number | null,
  askedBefore?: number,
): MessagePage {
  const oldest = oldestTimestamp(batch);
  const stalled = askedBefore !== undefined && oldest !== null && oldest >= askedBefore;
  const exhausted = batch.history === 'complete' || oldest === null || stalled;
  const caughtUp = stopAtOrBefore !== null && oldest !== null && oldest <= stopAtOrBefore;
  return { nextBefore: exhausted || caughtUp ? null : oldest };
}
