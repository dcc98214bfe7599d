import type { BackfillStatus } from './backfill-status';

const BAR_WIDTH = 24;

/** One terminal line: a bar over conversations, then messages, requests and the ETA. */
export function progressLine(status: BackfillStatus): string {
  const { progress } = status;
  const total = progress.conversationsListed;
  const fraction = total > 0 ? progress.conversationsDone / total : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const listing =
    status.phase === 'listing' ? ` (listing, page ${progress.listPagesRead + 1})` : '';
  const eta = progress.estimatedSecondsLeft === null ? '?' : `${progress.estimatedSecondsLeft}s`;
  return (
    `${bar} ${progress.conversationsDone}/${total} conversations${listing} · ` +
    `${progress.messagesStored.toLocaleString('en-US')} messages · ` +
    `${progress.requestsSpent.toLocaleString('en-US')} requests · ETA ${eta} · ${status.status}`
  );
}
