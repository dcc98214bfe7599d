import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { CrispSimulator, GroundTruth, type SimEvent } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  conversationFieldsDiffer,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { createClient } from '../simulator/crisp-client-helpers';

jest.setTimeout(120_000);

/** Crisp's GET cache serves a conversation read before a change for this long after it. */
const CACHE_TTL_MS = 5_000;

/**
 * What only the catch-up can recover: removals missed while RTM was down, events that reached
 * the service out of order, and snapshots that Crisp's cache served stale. The simulator
 * answers batches of 20 with 206/200 and caches conversations; the catch-up runs on its
 * schedule (RECONCILE_INTERVAL_MS=20000), as in production.
 */
describe('catch-up: removals, reordered events and cached snapshots', () => {
  const truth = new GroundTruth({ seed: 41 });
  const websiteId = truth.addWebsite().website_id;
  for (let i = 0; i < 8; i += 1) {
    truth.addSyntheticConversation(websiteId, {
      messageCount: 5 + i * 7,
      // Long enough ago that every message (gaps of up to 30 min) is in the past.
      createdAt: Date.now() - 3 * 86_400_000 + i * 1000,
      rng: truth.rng,
    });
  }
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  let reconciler: ReconcilerService;

  beforeAll(async () => {
    simulator = new CrispSimulator({
      seed: 41,
      truth,
      rest: { messageBatchSize: 20, getCache: { ttlMs: CACHE_TTL_MS } },
    });
    await simulator.start();
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_INTERVAL_MS: '20000',
      RECONCILE_LOOKBACK_MS: String(4 * 86_400_000),
    });
    dataSource = app.get(DataSource);
    reconciler = app.get(ReconcilerService);
    const rtm = app.get(RtmListenerService);
    await eventually(() => expect(rtm.state).toBe('connected'));
    await mirrorEqualsTruth(30_000);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  const sessions = () => [...truth.getWebsite(websiteId)!.conversations.keys()];
  function mirrorEqualsTruth(timeoutMs: number) {
    return eventually(
      async () => {
        expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
        expect(await conversationFieldsDiffer(dataSource, truth, websiteId)).toEqual([]);
      },
      timeoutMs,
      250,
    );
  }
  const storedState = async (sessionId: string) => {
    const rows: { state: string | null }[] = await dataSource.query(
      'SELECT state FROM conversations WHERE session_id = $1',
      [sessionId],
    );
    return rows[0]?.state;
  };

  it('removes no conversation for a 404 of the messages route alone', async () => {
    simulator.faults.script(
      [{ kind: 'status', status: 404, body: 'json', reason: 'not_found' }],
      'GET /website/:id/conversation/:sid/messages',
    );
    await reconciler.reconcile('test: a 404 that is not the conversation’s');
    await reconciler.reconcile('test: after it');
    expect(await conversationFieldsDiffer(dataSource, truth, websiteId)).toEqual([]);
  });

  it('never lets a cached snapshot undo a newer event (Bloom-Status: HIT)', async () => {
    const sessionId = sessions()[2];
    // The start-up catch-up has read it: the cache holds it as it was.
    const before = truth.getConversation(websiteId, sessionId)!.state;
    const newer = before === 'resolved' ? 'pending' : 'resolved';
    simulator.mutate((t) => t.setState(websiteId, sessionId, newer));
    await eventually(async () => expect(await storedState(sessionId)).toBe(newer));
    await reconciler.reconcile('test: the cache still serves the old state');
    expect(simulator.faults.count('GET /website/:id/conversations/:page')).toBeGreaterThan(0);
    expect(await storedState(sessionId)).toBe(newer);
  });

  it('never lets the cached copy read for a conversation first seen by an event undo that event', async () => {
    const { session_id: sessionId } = simulator.mutate((t) => t.newConversation(websiteId), {
      rtm: false,
    });
    // Someone else reads it first: Crisp's cache holds it as it is now.
    const reader = createClient(simulator.restUrl);
    const cached = await reader.website.getConversation(websiteId, sessionId);
    const newer = cached.state === 'resolved' ? 'unresolved' : 'resolved';
    // The service learns of it from this event, and reads its metadata (from the cache).
    simulator.mutate((t) => t.setState(websiteId, sessionId, newer));
    await eventually(async () => {
      const rows: { state: string; people_id: string | null }[] = await dataSource.query(
        'SELECT state, people_id FROM conversations WHERE session_id = $1',
        [sessionId],
      );
      expect(rows[0]?.people_id).toBe(cached.people_id);
    });
    expect(simulator.faults.count('GET /website/:id/conversation/:sid')).toBeGreaterThanOrEqual(2);
    expect(await storedState(sessionId)).toBe(newer);
  });

  it('converges on Crisp’s value after state, email and nickname changes arrived out of order', async () => {
    const [first, second] = sessions();
    const late: SimEvent[] = [];
    const hold = { rtm: false };
    late.push(...simulator.mutate((t) => t.setState(websiteId, first, 'pending'), hold).events);
    late.push(
      ...simulator.mutate((t) => t.setMeta(websiteId, first, 'email', 'old@example.com'), hold)
        .events,
    );
    late.push(
      ...simulator.mutate((t) => t.setMeta(websiteId, second, 'nickname', 'Old Name'), hold).events,
    );
    simulator.mutate((t) => t.setState(websiteId, first, 'resolved'));
    simulator.mutate((t) => t.setMeta(websiteId, first, 'email', 'new@example.com'));
    simulator.mutate((t) => t.setMeta(websiteId, second, 'nickname', 'New Name'));
    await eventually(async () => expect(await storedState(first)).toBe('resolved'));
    // The older changes arrive last: for a moment the mirror holds them.
    simulator.emit(late);
    await eventually(async () => expect(await storedState(first)).toBe('pending'));
    const arrived = Date.now();
    await mirrorEqualsTruth(45_000);
    // One scheduled run after the cache let go of them (20 s interval, 5 s cache), with room.
    expect(Date.now() - arrived).toBeLessThan(45_000);
  });

  it('reflects all of 300 changes missed during an RTM outage, 5 message removals among them, within 60 s', async () => {
    const all = sessions();
    // Messages the mirror stores before the outage; five of them are removed during it.
    const known = all
      .slice(0, 5)
      .map(
        (sessionId) =>
          simulator.mutate((t) =>
            t.addMessage(websiteId, sessionId, { from: 'user', content: `known ${sessionId}` }),
          ).message,
      );
    const doomed = all[7];
    simulator.mutate((t) => t.addMessage(websiteId, doomed, { from: 'user', content: 'bye' }));
    await mirrorEqualsTruth(20_000);

    simulator.rtm.pauseDelivery();
    let mutations = 0;
    for (const message of known) {
      simulator.mutate((t) => t.removeMessage(websiteId, message.session_id, message.fingerprint));
      mutations += 1;
    }
    simulator.mutate((t) => t.removeConversation(websiteId, doomed));
    mutations += 1;
    const live = sessions();
    const states = ['pending', 'unresolved', 'resolved'] as const;
    for (let i = 0; mutations < 300; i += 1, mutations += 1) {
      const sessionId = live[i % live.length];
      if (i % 5 === 0) simulator.mutate((t) => t.setState(websiteId, sessionId, states[i % 3]));
      else if (i % 5 === 1)
        simulator.mutate((t) => t.setMeta(websiteId, sessionId, 'email', `v${i}@example.com`));
      else if (i % 5 === 2)
        simulator.mutate((t) => t.setMeta(websiteId, sessionId, 'nickname', `Visitor ${i}`));
      else
        simulator.mutate((t) =>
          t.addMessage(websiteId, sessionId, {
            from: i % 2 ? 'user' : 'operator',
            content: `m${i}`,
          }),
        );
    }
    simulator.rtm.resumeDelivery();
    const resumed = Date.now();
    await mirrorEqualsTruth(65_000);
    expect(Date.now() - resumed).toBeLessThan(60_000);
    const removed: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM conversation_messages
       WHERE deleted_at IS NOT NULL AND fingerprint = ANY($1::bigint[])`,
      [known.map((message) => message.fingerprint)],
    );
    expect(Number(removed[0].n)).toBe(5);
  });
});
