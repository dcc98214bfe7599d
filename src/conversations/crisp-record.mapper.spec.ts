import fc from 'fast-check';
import type { Conversation, ConversationMessage } from 'crisp-api';
import { CONVERSATION_COLUMNS } from './conversations.repository';
import { MESSAGE_COLUMNS } from './conversation-messages.repository';
import { conversationRecordFromCrisp, messageRecordsFromBatch } from './crisp-record.mapper';

const json = fc.jsonValue({ maxDepth: 3 });
const at = new Date(1_767_225_600_000);
const ids = { website_id: 'website-1', session_id: 'session_1' };

/** The REST shapes' keys, each given any JSON: a field of another type must not break a row. */
const conversationKeys = [
  'inbox_id',
  'people_id',
  'state',
  'status',
  'is_blocked',
  'is_verified',
  'availability',
  'active',
  'assigned',
  'participants',
  'mentions',
  'verifications',
  'compose',
  'unread',
  'last_message',
  'preview_message',
  'waiting_since',
  'meta',
  'created_at',
  'updated_at',
];
const messageKeys = [
  'fingerprint',
  'timestamp',
  'type',
  'from',
  'origin',
  'content',
  'user',
  'preview',
  'mentions',
  'read',
  'delivered',
  'stamped',
  'edited',
  'translated',
];
const shaped = (keys: string[]) =>
  fc.record(Object.fromEntries(keys.map((key) => [key, json])), { requiredKeys: [] });

function fits(type: string, value: unknown): boolean {
  if (value === null || type === 'jsonb') return value !== undefined;
  if (type === 'text' || type === 'timestamptz') return typeof value === 'string';
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'smallint') return Number.isSafeInteger(value) && Math.abs(value as number) < 32_768;
  return Number.isSafeInteger(value);
}

const allFit = (record: object, types: Record<string, string>) =>
  Object.entries(record).every(([key, value]) => fits(types[key], value));

describe('the REST mappers are total (property-based, fast-check)', () => {
  it('turn any conversation into a row whose every column fits its type, keeping it whole in raw', () => {
    const conversation = fc.oneof(shaped(conversationKeys), fc.dictionary(fc.string(), json));
    fc.assert(
      fc.property(conversation, (fields) => {
        const input = { ...fields, ...ids } as unknown as Conversation;
        const record = conversationRecordFromCrisp(input, at, 'backfill');
        return allFit(record, CONVERSATION_COLUMNS) && record.raw === input;
      }),
      { numRuns: 10_000 },
    );
  });

  it('turn any message batch into rows, one per message that has a fingerprint and a time', () => {
    const message = fc.oneof(
      shaped(messageKeys),
      fc.record({
        fingerprint: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        content: json,
      }),
      json,
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 6 }), (batch) => {
        const records = messageRecordsFromBatch(
          batch as unknown as ConversationMessage[],
          { websiteId: ids.website_id, sessionId: ids.session_id },
          at,
          'reconcile',
        );
        const keyed = batch.filter(
          (item) =>
            typeof item === 'object' &&
            item !== null &&
            !Array.isArray(item) &&
            Number.isSafeInteger((item as { fingerprint?: unknown }).fingerprint) &&
            typeof (item as { timestamp?: unknown }).timestamp === 'number',
        );
        return (
          records.length <= keyed.length &&
          records.every((record) => allFit(record, MESSAGE_COLUMNS))
        );
      }),
      { numRuns: 10_000 },
    );
  });

  it('read a batch that is not a list as empty (crisp-api resolves a missing data as {})', () => {
    const batch = {} as unknown as ConversationMessage[];
    expect(
      messageRecordsFromBatch(batch, { websiteId: 'w', sessionId: 's' }, at, 'reconcile'),
    ).toEqual([]);
  });
});
