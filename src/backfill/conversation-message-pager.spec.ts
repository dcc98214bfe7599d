import type { ConversationMessage } from 'crisp-api';
import { nextPage } from './conversation-message-pager';

const batch = (count: number, oldest: number): ConversationMessage[] =>
  Array.from({ length: count }, (_, i) => ({ fingerprint: i, timestamp: oldest + i }));

describe('nextPage', () => {
  it('pages back from the oldest message of a full batch', () => {
    expect(nextPage(batch(40, 1000), null).nextBefore).toBe(1000);
  });

  it('stops on a short or empty batch', () => {
    expect(nextPage(batch(39, 1000), null).nextBefore).toBeNull();
    expect(nextPage([], null).nextBefore).toBeNull();
  });

  it('stops once the batch reaches back to the newest message already stored', () => {
    expect(nextPage(batch(40, 1000), 1000).nextBefore).toBeNull();
    expect(nextPage(batch(40, 1000), 999).nextBefore).toBe(1000);
  });
});
