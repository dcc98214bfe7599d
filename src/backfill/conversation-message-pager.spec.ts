import type { HistoryEnd, MessageBatch } from '../crisp/crisp-rest.service';
import { nextPage } from './conversation-message-pager';

const batch = (count: number, oldest: number, history: HistoryEnd): MessageBatch => ({
  messages: Array.from({ length: count }, (_, i) => ({ fingerprint: i, timestamp: oldest + i })),
  history,
  fresh: true,
  sentAt: new Date(0),
});

describe('nextPage', () => {
  it('pages back from the oldest message while Crisp says older ones remain (206)', () => {
    expect(nextPage(batch(40, 1000, 'more'), null).nextBefore).toBe(1000);
    expect(nextPage(batch(20, 1000, 'more'), null).nextBefore).toBe(1000);
  });

  it('stops when Crisp says the history is complete (200), whatever the batch size', () => {
    expect(nextPage(batch(40, 1000, 'complete'), null).nextBefore).toBeNull();
    expect(nextPage(batch(7, 1000, 'complete'), null).nextBefore).toBeNull();
  });

  it('without a 200/206 signal, a short batch is not the end; an empty one is', () => {
    expect(nextPage(batch(39, 1000, 'unknown'), null).nextBefore).toBe(1000);
    expect(nextPage(batch(0, 1000, 'unknown'), null).nextBefore).toBeNull();
    expect(nextPage(batch(0, 1000, 'more'), null).nextBefore).toBeNull();
  });

  it('stops when a batch reaches no further back than the cursor it was asked with', () => {
    expect(nextPage(batch(1, 1000, 'unknown'), null, 1000).nextBefore).toBeNull();
    expect(nextPage(batch(3, 998, 'more'), null, 1000).nextBefore).toBe(998);
  });

  it('stops once the batch reaches back to the newest message already stored', () => {
    expect(nextPage(batch(40, 1000, 'more'), 1000).nextBefore).toBeNull();
    expect(nextPage(batch(40, 1000, 'more'), 999).nextBefore).toBe(1000);
  });
});
