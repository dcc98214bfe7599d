import type {
  ConversationRecord,
  MessageRecord,
} from '../../src/conversations/conversation-records';

/** Small builders for data-layer tests: only what a test cares about is spelled out. */
export function conversationRecord(
  overrides: Partial<ConversationRecord> & { session_id: string },
): ConversationRecord {
  return {
    website_id: 'website-1',
    state: 'pending',
    meta_nickname: 'Visitor',
    updated_at_crisp: '2026-01-01T00:00:00.000Z',
    observed_at: '2026-01-01T00:00:00.000Z',
    sync_source: 'backfill',
    ...overrides,
  };
}

export function messageRecord(
  overrides: Partial<MessageRecord> & { session_id: string; fingerprint: number },
): MessageRecord {
  return {
    website_id: 'website-1',
    type: 'text',
    from: 'user',
    content: `message ${overrides.fingerprint}`,
    timestamp: new Date(1_767_225_600_000 + overrides.fingerprint).toISOString(),
    observed_at: '2026-01-01T00:00:00.000Z',
    sync_source: 'backfill',
    ...overrides,
  };
}
