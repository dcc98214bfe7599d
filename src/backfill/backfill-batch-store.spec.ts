import { mergedCheckpoints } from './backfill-batch-store';
import type { PendingBatch } from './backfill-batch-writer';

const batch = (sessionId: string, nextBefore: number | null, rows = 40): PendingBatch => ({
  records: [],
  checkpoint: { sessionId, messagesStored: rows, requests: 1, nextBefore },
});

describe('mergedCheckpoints', () => {
  it('sums consecutive batches of one conversation and keeps where the last one stops', () => {
    const merged = mergedCheckpoints([
      batch('a', 300),
      batch('b', null, 7),
      batch('a', 200),
      batch('a', null, 12),
    ]);
    expect(merged).toEqual([
      { sessionId: 'a', messagesStored: 92, requests: 3, nextBefore: null },
      { sessionId: 'b', messagesStored: 7, requests: 1, nextBefore: null },
    ]);
  });
});
