import type { DataSource } from 'typeorm';
import type { ConversationPatch } from '../../src/conversations/conversation-patches';
import type { ConversationMessagesRepository } from '../../src/conversations/conversation-messages.repository';
import type { ConversationsRepository } from '../../src/conversations/conversations.repository';
import { pendingSchemaChanges } from '../../src/schema/migration-cli';
import { openDataLayer } from '../support/data-layer';
import { conversationRecord, messageRecord } from '../support/records';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

describe('the data layer on a real PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let conversations: ConversationsRepository;
  let messages: ConversationMessagesRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ dataSource, conversations, messages } = await openDataLayer(database.connection, 20));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const countRows = async (table: string, where = 'true', parameters: unknown[] = []) => {
    const rows: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
      parameters,
    );
    return Number(rows[0].n);
  };

  it('has a schema that matches the entities exactly (the migrations are complete)', async () => {
    const changes = await pendingSchemaChanges(dataSource);
    expect(changes.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('stores a batch once, however many times it is replayed', async () => {
    const batch = Array.from({ length: 200 }, (_, i) =>
      messageRecord({ session_id: 'session_replay', fingerprint: 1000 + i }),
    );
    expect(await messages.upsert(batch)).toEqual({ inserted: 200, updated: 0, stale: 0 });
    expect(await messages.upsert(batch)).toEqual({ inserted: 0, updated: 200, stale: 0 });
    expect(await countRows('conversation_messages', 'session_id = $1', ['session_replay'])).toBe(
      200,
    );
  });

  it('creates a placeholder conversation for a message whose conversation is unknown', async () => {
    await messages.upsert([messageRecord({ session_id: 'session_orphan', fingerprint: 1 })]);
    const rows: { website_id: string; state: string | null }[] = await dataSource.query(
      `SELECT website_id, state FROM conversations WHERE session_id = 'session_orphan'`,
    );
    expect(rows).toEqual([{ website_id: 'website-1', state: null }]);
  });

  it('lets any real snapshot replace a placeholder, and keeps the snapshot when a message arrives later', async () => {
    await messages.upsert([messageRecord({ session_id: 'session_late', fingerprint: 1 })]);
    await conversations.upsert([
      conversationRecord({
        session_id: 'session_late',
        state: 'resolved',
        observed_at: '2020-01-01T00:00:00.000Z',
      }),
    ]);
    await messages.upsert([messageRecord({ session_id: 'session_late', fingerprint: 2 })]);
    const rows: { state: string }[] = await dataSource.query(
      `SELECT state FROM conversations WHERE session_id = 'session_late'`,
    );
    expect(rows).toEqual([{ state: 'resolved' }]);
  });

  it('keys fingerprints per conversation: the same fingerprint in two conversations is two messages', async () => {
    await messages.upsert([
      messageRecord({ session_id: 'session_a', fingerprint: 42, content: 'in a' }),
      messageRecord({ session_id: 'session_b', fingerprint: 42, content: 'in b' }),
    ]);
    const rows: { session_id: string; content: string }[] = await dataSource.query(
      `SELECT session_id, content FROM conversation_messages WHERE fingerprint = 42 ORDER BY session_id`,
    );
    expect(rows).toEqual([
      { session_id: 'session_a', content: 'in a' },
      { session_id: 'session_b', content: 'in b' },
    ]);
  });

  it('never lets an older version overwrite a newer one, whatever the arrival order', async () => {
    const versions = [3, 1, 4, 2].map((minute) =>
      conversationRecord({
        session_id: 'session_order',
        state: `state-${minute}`,
        observed_at: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
      }),
    );
    const outcomes = [];
    for (const version of versions) outcomes.push(await conversations.upsert([version]));
    expect(outcomes.map((outcome) => outcome.stale)).toEqual([0, 1, 0, 1]);
    const rows: { state: string }[] = await dataSource.query(
      `SELECT state FROM conversations WHERE session_id = 'session_order'`,
    );
    expect(rows).toEqual([{ state: 'state-4' }]);
  });

  it('merges device parts changed alone and orders each against snapshots and other events', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const device = (city: string) => ({ geolocation: { city }, locales: ['en'], timezone: 0 });
    const patch = (minute: number, columns: ConversationPatch['columns']): ConversationPatch => ({
      session_id: 'session_device',
      website_id: 'website-1',
      observed_at: at(minute),
      sync_source: 'rtm',
      columns,
    });
    const applyPatches = (patches: ConversationPatch[]) =>
      dataSource.transaction((manager) => conversations.applyPatches(manager, patches));
    await conversations.upsert([
      conversationRecord({
        session_id: 'session_device',
        meta_device: device('Lyon'),
        meta_email: 'snapshot-1@example.com',
        observed_at: at(1),
      }),
    ]);
    await applyPatches([patch(5, { 'meta_device.geolocation': { city: 'Paris' } })]);
    await applyPatches([patch(6, { 'meta_device.timezone': -60 })]);
    // Older than what is stored for that part: ignored.
    await applyPatches([patch(4, { 'meta_device.geolocation': { city: 'Nice' } })]);
    // A snapshot older than the parts changed alone keeps them.
    await conversations.upsert([
      conversationRecord({
        session_id: 'session_device',
        meta_device: device('Lille'),
        meta_email: 'snapshot-3@example.com',
        observed_at: at(3),
      }),
    ]);
    const read = async () => {
      const rows: { meta_device: unknown; meta_email: string }[] = await dataSource.query(
        `SELECT meta_device, meta_email FROM conversations WHERE session_id = 'session_device'`,
      );
      return rows[0];
    };
    expect(await read()).toEqual({
      meta_device: { geolocation: { city: 'Paris' }, locales: ['en'], timezone: -60 },
      meta_email: 'snapshot-3@example.com',
    });
    // A newer snapshot replaces the whole object; an event between the two is then too old.
    await conversations.upsert([
      conversationRecord({
        session_id: 'session_device',
        meta_device: device('Lille'),
        meta_email: 'snapshot-9@example.com',
        observed_at: at(9),
      }),
    ]);
    await applyPatches([
      patch(7, { 'meta_device.geolocation': { city: 'Nice' } }),
      patch(8, { meta_email: 'event-8@example.com' }),
    ]);
    expect(await read()).toEqual({
      meta_device: device('Lille'),
      meta_email: 'snapshot-9@example.com',
    });
  });

  it('keeps the newest version when one batch holds the same key twice', async () => {
    const older = messageRecord({
      session_id: 'session_dup',
      fingerprint: 7,
      content: 'old',
      observed_at: '2026-01-01T00:00:00.000Z',
    });
    const newer = { ...older, content: 'new', observed_at: '2026-01-02T00:00:00.000Z' };
    expect(await messages.upsert([newer, older])).toEqual({ inserted: 1, updated: 0, stale: 0 });
    const rows: { content: string }[] = await dataSource.query(
      `SELECT content FROM conversation_messages WHERE session_id = 'session_dup'`,
    );
    expect(rows).toEqual([{ content: 'new' }]);
  });

  it('stays consistent under concurrent writers with overlapping batches (no duplicate, no deadlock)', async () => {
    const sessions = Array.from({ length: 20 }, (_, i) => `session_race_${i}`);
    const batchFor = (writer: number) =>
      sessions
        .flatMap((session_id) =>
          Array.from({ length: 50 }, (_, i) =>
            messageRecord({
              session_id,
              fingerprint: i,
              content: `writer ${writer}`,
              observed_at: new Date(Date.UTC(2026, 0, 1, 0, 0, writer)).toISOString(),
            }),
          ),
        )
        .sort(() => Math.random() - 0.5);
    const writers = Array.from({ length: 8 }, (_, writer) => messages.upsert(batchFor(writer)));
    await Promise.all(writers);
    expect(await countRows('conversation_messages', `session_id LIKE 'session_race_%'`)).toBe(1000);
    expect(await countRows('conversations', `session_id LIKE 'session_race_%'`)).toBe(20);
    // The newest writer's version wins everywhere, whichever transaction committed last.
    expect(
      await countRows(
        'conversation_messages',
        `session_id LIKE 'session_race_%' AND content <> 'writer 7'`,
      ),
    ).toBe(0);
  });

  it('writes the sync metadata: which door, when, and the raw payload', async () => {
    await messages.upsert([
      messageRecord({
        session_id: 'session_meta',
        fingerprint: 5,
        sync_source: 'rtm',
        raw: { any: ['thing'] },
      }),
    ]);
    const rows: { sync_source: string; raw: unknown; fresh: boolean }[] = await dataSource.query(
      `SELECT sync_source, raw, synced_at > now() - interval '1 minute' AS fresh
       FROM conversation_messages WHERE session_id = 'session_meta'`,
    );
    expect(rows).toEqual([{ sync_source: 'rtm', raw: { any: ['thing'] }, fresh: true }]);
  });

  it('stores any text and JSON exactly: quotes, backslashes, braces, NULL, newlines, emoji', async () => {
    const awkward = 'He said "hi" \\ {a,b} NULL\n\ttab 🎉 é';
    const record = messageRecord({
      session_id: 'session_awkward',
      fingerprint: 171_234_567_890_123,
      content: awkward,
      user_nickname: 'NULL',
      user_id: null,
      preview: [{ url: 'https://x.test/?a="1"&b=\\', title: awkward }],
      mentions: [],
      raw: { nested: { quote: '"', backslash: '\\', list: [null, 1.5, true, awkward] } },
    });
    await messages.upsert([
      record,
      messageRecord({ session_id: 'session_awkward', fingerprint: 1, content: null }),
    ]);
    const rows: Record<string, unknown>[] = await dataSource.query(
      `SELECT fingerprint, content, user_nickname, user_id, preview, mentions, raw
       FROM conversation_messages WHERE session_id = 'session_awkward' ORDER BY fingerprint`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ fingerprint: '1', content: null }),
      {
        fingerprint: '171234567890123',
        content: awkward,
        user_nickname: 'NULL',
        user_id: null,
        preview: record.preview,
        mentions: [],
        raw: record.raw,
      },
    ]);
  });

  it('refuses a sync source outside the four doors', async () => {
    await expect(
      messages.upsert([
        messageRecord({
          session_id: 'session_bad',
          fingerprint: 1,
          sync_source: 'manual' as 'rtm',
        }),
      ]),
    ).rejects.toThrow(/sync_source_check/);
  });
});
