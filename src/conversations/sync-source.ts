/** Which of the four doors wrote a row last; stored in `sync_source`. */
export const SYNC_SOURCES = ['rtm', 'webhook', 'backfill', 'reconcile'] as const;
export type SyncSource = (typeof SYNC_SOURCES)[number];
