import type { ConversationMessage } from 'crisp-api';
import type { DataSource } from 'typeorm';
import type { ConversationMessagesRepository } from '../../src/conversations/conversation-messages.repository';
import { messageRecordsFromBatch } from '../../src/conversations/crisp-record.mapper';
import { generateGroundTruth } from '../../tools/crisp-simulator';
import { openDataLayer } from '../support/data-layer';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

/**
 * `raw` keeps only the fields the typed columns do not hold exactly; the columns plus `raw` must
 * still give back every field Crisp sent: `crisp_message_payload(row)` returns the payload.
 */
describe('a stored message gives back the whole Crisp payload', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let messages: ConversationMessagesRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ dataSource, messages } = await openDataLayer(database.connection, 4));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Stores the payloads of one conversation, then reads each back through the function. */
  async function roundTrip(sessionId: string, payloads: ConversationMessage[]) {
    const conversation = { websiteId: 'website-payload', sessionId };
    await messages.upsert(messageRecordsFromBatch(payloads, conversation, new Date(), 'backfill'));
    const rows: { fingerprint: string; payload: unknown; raw: unknown }[] = await dataSource.query(
      `SELECT m.fingerprint, crisp_message_payload(m) AS payload, m.raw
       FROM conversation_messages m WHERE m.session_id = $1`,
      [sessionId],
    );
    return new Map(rows.map((row) => [Number(row.fingerprint), row]));
  }

  const expected = (payload: ConversationMessage, sessionId: string) => ({
    ...payload,
    session_id: sessionId,
    website_id: 'website-payload',
  });

  it('for every message shape the simulator produces, and keeps less in raw', async () => {
    const truth = generateGroundTruth({ seed: 11, websites: 1, conversationsPerWebsite: 30 });
    const websiteId = truth.websiteIds()[0];
    let checked = 0;
    for (const sessionId of truth.getWebsite(websiteId)!.conversations.keys()) {
      const payloads = JSON.parse(
        JSON.stringify(truth.getMessages(websiteId, sessionId)),
      ) as ConversationMessage[];
      const stored = await roundTrip(sessionId, payloads);
      for (const payload of payloads) {
        const row = stored.get(payload.fingerprint as number)!;
        expect(row.payload).toEqual(expected(payload, sessionId));
        expect(JSON.stringify(row.raw).length).toBeLessThan(JSON.stringify(payload).length);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('tells a field sent as null from a field not sent, and keeps what columns cannot hold', async () => {
    const base = { type: 'text', from: 'user', timestamp: 1_767_225_600_000 } as const;
    const payloads = [
      { ...base, fingerprint: 1, content: 'hello' },
      { ...base, fingerprint: 2, content: null, origin: null, read: null, user: null },
      { ...base, fingerprint: 3, content: { name: 'a.png', url: 'https://x/a.png' }, type: 'file' },
      { ...base, fingerprint: 4, user: { user_id: 'u1', nickname: 'Ann', avatar: 'https://x/a' } },
      { ...base, fingerprint: 5, user: {} },
      { ...base, fingerprint: 6, user: { user_id: 'u2', nickname: null } },
      { ...base, fingerprint: 7, preview: [], mentions: ['u1'], stamped: false, edited: true },
      { ...base, fingerprint: 8, timestamp: 1_767_225_600_000.5, delivered: 'chat' },
      { fingerprint: 9, timestamp: 1_767_225_600_009, translated: false, extra: { nested: [1] } },
      { ...base, fingerprint: 10, user: 'not an object', origin: 'urn:x' },
    ] as unknown as ConversationMessage[];
    const stored = await roundTrip('session_payload_edges', payloads);
    for (const payload of payloads) {
      const row = stored.get(payload.fingerprint as number)!;
      expect(row.payload).toEqual(expected(payload, 'session_payload_edges'));
    }
    expect(stored.get(1)!.raw).toEqual({ type: 'text', from: 'user' });
    expect(stored.get(4)!.raw).toEqual({
      type: 'text',
      from: 'user',
      user: { avatar: 'https://x/a' },
    });
  });
});
