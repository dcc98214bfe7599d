import type { ConversationMessage } from 'crisp-api';
import { MESSAGES_PER_BATCH } from '../crisp/crisp-rest.service';

export interface MessagePage {
  messages: ConversationMessage[];
  /** The `timestamp_before` of the next request, or null: nothing older is left to read. */
  nextBefore: number | null;
}

/**
 * Crisp returns messages newest batch first, 40 at a time, oldest-first within a batch; paging
 * back continues with `timestamp_before` = the oldest timestamp of the batch until a batch is
 * short. With `stopAtOrBefore` (the newest message already stored), paging stops as soon as a
 * batch reaches back to it: everything older is already there.
 */
export function nextPage(batch: ConversationMessage[], stopAtOrBefore: number | null): MessagePage {
  const oldest = batch.reduce<number | null>(
    (min, message) =>
      typeof message.timestamp === 'number' && (min === null || message.timestamp < min)
        ? message.timestamp
        : min,
    null,
  );
  const exhausted = batch.length < MESSAGES_PER_BATCH || oldest === null;
  const caughtUp = stopAtOrBefore !== null && oldest !== null && oldest <= stopAtOrBefore;
  return { messages: batch, nextBefore: exhausted || caughtUp ? null : oldest };
}
