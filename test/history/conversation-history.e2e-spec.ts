/**
 * Issue 13 items 1 and 2 on a real PostgreSQL: what the change log and the ratings keep when
 * events come through either door, twice, out of order, or only as REST snapshots.
 */
import type { DataSource } from 'typeorm';
import type { ConversationsRepository } from '../../src/conversations/conversations.repository';
import { ConversationEventsRepository } from '../../src/history/conversation-events.repository';
import { ConversationRatingsRepository } from '../../src/ratings/conversation-ratings.repository';
import { PeopleRepository } from '../../src/people/people.repository';
import { mapCrispEvent } from '../../src/realtime/crisp-event.mapper';
import { MirrorBatchApplier } from '../../src/realtime/mirror-batch-applier.service';
import { OperatorAvailabilityRepository } from '../../src/directory/operator-availability.repository';
import { TwinEvents, withTwinTime } from '../../src/realtime/twin-events';
import { openDataLayer } from '../support/data-layer';
import { conversationRecord } from '../support/records';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const T0 = Date.parse('2026-11-30T09:00:00.000Z');
const SECOND = 1000;
const at = (ms: number) => new Date(ms).toISOString();

describe('the change log and the ratings', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let conversations: ConversationsRepository;
  let applier: MirrorBatchApplier;
  const twins = new TwinEvents();

  beforeAll(async () => {
    database = await createTestDatabase();
    const layer = await openDataLayer(database.connection);
    ({ dataSource, conversations } = layer);
    applier = new MirrorBatchApplier(
      conversations,
      layer.messages,
      new ConversationEventsRepository(),
      new ConversationRatingsRepository(),
      new PeopleRepository(dataSource),
      new OperatorAvailabilityRepository(),
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** One event through the twin pairing, the mapper and the writer's batch, as the ingest does. */
  async function deliver(
    door: 'rtm' | 'webhook',
    name: string,
    session_id: string,
    data: Record<string, unknown>,
    ms: number,
  ) {
    const mapping = mapCrispEvent(
      withTwinTime(twins, {
        name,
        payload: { website_id: 'website-1', session_id, ...data },
        at: new Date(ms),
        door,
      }),
    );
    if (mapping.outcome !== 'changes') throw new Error(`not stored: ${JSON.stringify(mapping)}`);
    await dataSource.transaction((manager) => applier.apply(manager, mapping.changes));
  }

  const both = async (name: string, session: string, data: Record<string, unknown>, ms: number) => {
    await deliver('rtm', name, session, data, ms + 150);
    await deliver('webhook', name, session, data, ms);
  };

  const eventsOf = (session: string, kind?: string) =>
    dataSource.query<Record<string, unknown>[]>(
      `SELECT kind, old_value, new_value, actor_user_id, happened_at, time_source, door, inferred
       FROM conversation_events WHERE session_id = $1 AND ($2::text IS NULL OR kind = $2)
       ORDER BY id`,
      [session, kind ?? null],
    );

  it('logs each change of state once, at the Web Hook time, whichever door told it first', async () => {
    await both('session:set_state', 's1', { state: 'unresolved' }, T0);
    await deliver('webhook', 'session:set_state', 's1', { state: 'resolved' }, T0 + 60 * SECOND);
    await deliver('rtm', 'session:set_state', 's1', { state: 'resolved' }, T0 + 60 * SECOND + 80);
    await both('session:set_state', 's1', { state: 'unresolved' }, T0 + 120 * SECOND);
    await both('session:set_state', 's1', { state: 'resolved' }, T0 + 180 * SECOND);
    // A replay is no new row. A late Web Hook that repeats the value before it is logged as the
    // repeat it is (the change between may yet come: Web Hooks arrive out of order); the views skip it.
    await deliver('webhook', 'session:set_state', 's1', { state: 'resolved' }, T0 + 180 * SECOND);
    await deliver('webhook', 'session:set_state', 's1', { state: 'unresolved' }, T0 + 5 * SECOND);
    const rows = await eventsOf('s1', 'state');
    expect(rows.map((row) => [row.old_value, row.new_value, row.time_source])).toEqual([
      [null, 'unresolved', 'webhook'],
      ['unresolved', 'resolved', 'webhook'],
      ['resolved', 'unresolved', 'webhook'],
      ['unresolved', 'resolved', 'webhook'],
      ['unresolved', 'unresolved', 'webhook'],
    ]);
    expect(rows.map((row) => (row.happened_at as Date).getTime())).toEqual([
      T0,
      T0 + 60 * SECOND,
      T0 + 120 * SECOND,
      T0 + 180 * SECOND,
      T0 + 5 * SECOND,
    ]);
    expect(rows.every((row) => row.inferred === false)).toBe(true);
    const [view] = await dataSource.query<{ first: Date; last: Date; reopens: number }[]>(
      `SELECT first_resolved_at AS first, last_resolved_at AS last, reopen_count AS reopens
       FROM bi_conversations WHERE session_id = 's1'`,
    );
    expect([view.first.getTime(), view.last.getTime(), view.reopens]).toEqual([
      T0 + 60 * SECOND,
      T0 + 180 * SECOND,
      1,
    ]);
  });

  // Resolved twice: like copies. A Web Hook retried arrives after the other change's copies.
  it.each([
    ['the second Web Hook comes before the second RTM copy', ['r1', 'ru', 'wu', 'w2', 'r2', 'w1']],
    ['every RTM copy comes first, the Web Hooks backwards', ['r1', 'ru', 'r2', 'w2', 'wu', 'w1']],
    ['the Web Hooks come first, backwards', ['w2', 'wu', 'w1', 'r1', 'ru', 'r2']],
  ])('logs like changes once each, at their times, when %s', async (_, order) => {
    const session = `like-${order.join('')}`;
    await both('session:set_state', session, { state: 'unresolved' }, T0);
    const [w1, wu, w2] = [T0 + 1000, T0 + 1100, T0 + 1300];
    const copies: Record<string, () => Promise<void>> = {
      r1: () => deliver('rtm', 'session:set_state', session, { state: 'resolved' }, w1 + 20),
      ru: () => deliver('rtm', 'session:set_state', session, { state: 'unresolved' }, wu + 20),
      r2: () => deliver('rtm', 'session:set_state', session, { state: 'resolved' }, w2 + 20),
      w1: () => deliver('webhook', 'session:set_state', session, { state: 'resolved' }, w1),
      wu: () => deliver('webhook', 'session:set_state', session, { state: 'unresolved' }, wu),
      w2: () => deliver('webhook', 'session:set_state', session, { state: 'resolved' }, w2),
    };
    for (const copy of order) await copies[copy]();
    const rows = await dataSource.query<
      { old_value: string | null; new_value: string; at: Date; time_source: string }[]
    >(
      `SELECT old_value, new_value, happened_at AS at, time_source FROM conversation_events
       WHERE session_id = $1 ORDER BY happened_at, id`,
      [session],
    );
    expect(
      rows.map((row) => [row.old_value, row.new_value, row.at.getTime() - T0, row.time_source]),
    ).toEqual([
      [null, 'unresolved', 0, 'webhook'],
      ['unresolved', 'resolved', 1000, 'webhook'],
      ['resolved', 'unresolved', 1100, 'webhook'],
      ['unresolved', 'resolved', 1300, 'webhook'],
    ]);
  });

  it('keeps RTM arrival time when no Web Hook tells the change, and says so', async () => {
    await deliver('rtm', 'session:set_state', 's2', { state: 'resolved' }, T0);
    expect(await eventsOf('s2')).toEqual([
      expect.objectContaining({
        kind: 'state',
        new_value: 'resolved',
        happened_at: new Date(T0),
        time_source: 'received',
        door: 'rtm',
      }),
    ]);
  });

  it('logs assignments with their previous operator, inbox moves, blocks, segments and removal', async () => {
    await both('session:set_routing', 's3', { routing_id: 'op-1' }, T0);
    await both(
      'session:set_routing',
      's3',
      { routing_id: 'op-2', previous_routing_id: 'op-1' },
      T0 + SECOND,
    );
    await both('session:set_routing', 's3', { previous_routing_id: 'op-2' }, T0 + 2 * SECOND);
    await both('session:set_inbox', 's3', { inbox_id: 'inbox-a' }, T0 + 3 * SECOND);
    await both('session:set_block', 's3', { is_blocked: true }, T0 + 4 * SECOND);
    await both('session:set_segments', 's3', { segments: ['vip'] }, T0 + 5 * SECOND);
    await both('session:update_verify', 's3', { is_verified: true }, T0 + 6 * SECOND);
    await both('session:removed', 's3', {}, T0 + 7 * SECOND);
    const rows = await eventsOf('s3');
    expect(rows.map((row) => [row.kind, row.old_value, row.new_value])).toEqual([
      ['assignment', null, 'op-1'],
      ['assignment', 'op-1', 'op-2'],
      ['assignment', 'op-2', null],
      ['inbox', null, 'inbox-a'],
      ['block', null, true],
      ['segments', null, ['vip']],
      ['verification', null, true],
      ['removed', null, null],
    ]);
    expect(rows.map((row) => (row.happened_at as Date).getTime() - T0)).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000,
    ]);
    expect(new Set(rows.map((row) => row.time_source))).toEqual(new Set(['webhook']));
  });

  it('infers a change from two REST snapshots, at Crisp updated_at, but not from the first one', async () => {
    await conversations.upsert([
      conversationRecord({ session_id: 's4', state: 'unresolved', observed_at: at(T0) }),
    ]);
    await deliver(
      'rtm',
      'message:send',
      's5',
      { fingerprint: 1, type: 'text', from: 'user', content: 'hi', timestamp: T0 },
      T0,
    );
    await conversations.upsert([
      conversationRecord({ session_id: 's5', state: 'pending', observed_at: at(T0) }),
    ]);
    expect(await eventsOf('s4')).toEqual([]);
    expect(await eventsOf('s5')).toEqual([]);
    await conversations.upsert([
      conversationRecord({
        session_id: 's4',
        state: 'resolved',
        assigned_user_id: 'op-9',
        updated_at_crisp: at(T0 + 600 * SECOND),
        observed_at: at(T0 + 900 * SECOND),
        sync_source: 'reconcile',
      }),
    ]);
    const rows = await eventsOf('s4');
    expect(rows.map((row) => [row.kind, row.old_value, row.new_value, row.door])).toEqual([
      ['state', 'unresolved', 'resolved', 'reconcile'],
      ['assignment', null, 'op-9', 'reconcile'],
    ]);
    expect(rows[0]).toMatchObject({
      happened_at: new Date(T0 + 600 * SECOND),
      time_source: 'updated_at',
      inferred: true,
    });
    // The same snapshot again, and an older one the events outran, change nothing.
    await conversations.upsert([
      conversationRecord({
        session_id: 's4',
        state: 'resolved',
        assigned_user_id: 'op-9',
        updated_at_crisp: at(T0 + 600 * SECOND),
        observed_at: at(T0 + 900 * SECOND),
        sync_source: 'reconcile',
      }),
    ]);
    expect(await eventsOf('s4')).toHaveLength(2);
  });

  it('logs an operator opening and closing a conversation once, by who did it', async () => {
    const operator = { user_id: 'op-1', nickname: 'Ann' };
    await both('session:set_opened', 's6', { operator }, T0);
    await both('session:set_closed', 's6', { operator }, T0 + 30 * SECOND);
    await deliver('rtm', 'session:set_opened', 's6', { operator }, T0 + 600 * SECOND);
    const rows = await eventsOf('s6');
    expect(rows.map((row) => [row.kind, row.actor_user_id, row.time_source])).toEqual([
      ['opened', 'op-1', 'webhook'],
      ['closed', 'op-1', 'webhook'],
      ['opened', 'op-1', 'received'],
    ]);
    expect((rows[0].happened_at as Date).getTime()).toBe(T0);
  });

  it('keeps one rating per conversation: the newest, at the Web Hook time', async () => {
    const ratings = (session: string) =>
      dataSource.query<Record<string, unknown>[]>(
        `SELECT stars, comment, rated_at, time_source, door FROM conversation_ratings WHERE session_id = $1`,
        [session],
      );
    await both('session:sync:rating', 's7', { rating: { stars: 4, comment: 'quick' } }, T0);
    await deliver(
      'rtm',
      'session:sync:rating',
      's7',
      { rating: { stars: 4, comment: 'quick' } },
      T0 + 500,
    );
    expect(await ratings('s7')).toEqual([
      {
        stars: 4,
        comment: 'quick',
        rated_at: new Date(T0),
        time_source: 'webhook',
        door: 'webhook',
      },
    ]);
    await deliver('rtm', 'session:sync:rating', 's7', { rating: { stars: 5 } }, T0 + 60 * SECOND);
    await deliver(
      'webhook',
      'session:sync:rating',
      's7',
      { rating: { stars: 2 } },
      T0 + 10 * SECOND,
    );
    expect(await ratings('s7')).toEqual([
      expect.objectContaining({ stars: 5, comment: null, time_source: 'received' }),
    ]);
  });

  it('sets aside a rating it cannot read, rather than guess one', () => {
    const map = (rating: unknown) =>
      mapCrispEvent({
        name: 'session:sync:rating',
        payload: { website_id: 'w', session_id: 's', rating },
        at: new Date(T0),
        door: 'rtm',
      });
    expect(map(undefined)).toEqual({ outcome: 'set-aside', reason: 'missing:rating' });
    expect(map({ stars: '5' })).toEqual({ outcome: 'set-aside', reason: 'invalid:rating.stars' });
    expect(map({ stars: 4.5 })).toEqual({ outcome: 'set-aside', reason: 'invalid:rating.stars' });
    expect(map({ comment: 'no stars' })).toEqual({
      outcome: 'set-aside',
      reason: 'missing:rating.stars',
    });
  });
});
