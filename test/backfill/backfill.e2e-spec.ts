import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import type { BackfillStatus } from '../../src/backfill/backfill-status';
import {
  addEdgeCaseConversations,
  addWebsiteWithExactConversations,
  CrispSimulator,
  GroundTruth,
  messageCountPresets,
  type EdgeCaseConversations,
} from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  minimumBackfillCalls,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

describe('backfill from the Crisp REST API (simulator + real PostgreSQL)', () => {
  let truth: GroundTruth;
  let edge: EdgeCaseConversations;
  let exactWebsiteId: string;
  let skewedWebsiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  let backfill: BackfillService;

  beforeAll(async () => {
    truth = new GroundTruth({ seed: 11 });
    edge = addEdgeCaseConversations(truth, { seed: 11 });
    exactWebsiteId = addWebsiteWithExactConversations(truth, { count: 100, seed: 11 });
    const skewed = truth.addWebsite();
    skewedWebsiteId = skewed.website_id;
    const counts = messageCountPresets.skewed();
    for (let i = 0; i < 120; i += 1) {
      truth.addSyntheticConversation(skewedWebsiteId, {
        messageCount: counts(i, truth.rng),
        createdAt: Date.UTC(2025, 1, 1) + i * 60_000,
        rng: truth.rng,
      });
    }
    simulator = new CrispSimulator({ seed: 11, truth });
    await simulator.start();
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl);
    dataSource = app.get(DataSource);
    backfill = app.get(BackfillService);
  });

  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  beforeEach(() => {
    simulator.faults.clear();
    simulator.faults.resetCounters();
  });

  const runToEnd = async (websiteId: string): Promise<BackfillStatus> => {
    const { status } = await backfill.startOrJoin(websiteId);
    return backfill.waitUntilSettled(status.id, 50);
  };

  it('copies every conversation and every message, at the boundaries pagination bugs live on', async () => {
    const job = await runToEnd(edge.websiteId);
    expect(job.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, edge.websiteId)).toMatchObject(PERFECT);
    const large: { n: string }[] = await dataSource.query(
      'SELECT count(*) AS n FROM conversation_messages WHERE session_id = $1',
      [edge.large],
    );
    expect(Number(large[0].n)).toBe(truth.getMessages(edge.websiteId, edge.large).length);
    const [first, second] = edge.sharedFingerprint.sessionIds;
    const shared: { n: string }[] = await dataSource.query(
      'SELECT count(*) AS n FROM conversation_messages WHERE fingerprint = $1 AND session_id IN ($2, $3)',
      [edge.sharedFingerprint.fingerprint, first, second],
    );
    expect(Number(shared[0].n)).toBe(2);
  });

  it('reads a full last page and then stops, with no more calls than the minimum plus boundary probes', async () => {
    const job = await runToEnd(exactWebsiteId);
    expect(job.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, exactWebsiteId)).toMatchObject(PERFECT);
    const minimum = minimumBackfillCalls(truth, exactWebsiteId);
    // 100 conversations = 2 full pages: one more (empty) page tells the list has ended.
    expect(simulator.faults.count()).toBe(minimum + 1);
    expect(job.progress.requestsSpent).toBe(minimum + 1);
  });

  it('answers as soon as a backfill running here settles, without waiting for a poll', async () => {
    const websiteId = truth.addWebsite().website_id;
    for (let i = 0; i < 3; i += 1) {
      truth.addSyntheticConversation(websiteId, {
        messageCount: 45,
        createdAt: Date.UTC(2025, 2, 1) + i * 60_000,
        rng: truth.rng,
      });
    }
    const { status } = await backfill.startOrJoin(websiteId);
    const started = performance.now();
    // A poll interval far beyond the test's timeout: only waiting for the run itself can pass.
    const job = await backfill.waitUntilSettled(status.id, 600_000);
    expect(job.status).toBe('completed');
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
  });

  it('spends at most 1.05 × the minimum on a skewed website and re-reads nothing on a second run', async () => {
    const job = await runToEnd(skewedWebsiteId);
    expect(job.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, skewedWebsiteId)).toMatchObject(PERFECT);
    const minimum = minimumBackfillCalls(truth, skewedWebsiteId);
    expect(simulator.faults.count()).toBeLessThanOrEqual(Math.ceil(minimum * 1.05));

    simulator.faults.resetCounters();
    const again = await runToEnd(skewedWebsiteId);
    expect(again.progress.conversationsSkipped).toBe(120);
    expect(simulator.faults.count()).toBe(Math.ceil(120 / 50));
  });

  it('reads only what changed when a conversation gained messages since the last backfill', async () => {
    const sessionId = [...truth.getWebsite(exactWebsiteId)!.conversations.keys()][7];
    for (let i = 0; i < 3; i += 1) {
      truth.addMessage(exactWebsiteId, sessionId, { from: 'operator', content: `follow-up ${i}` });
    }
    simulator.faults.resetCounters();
    const job = await runToEnd(exactWebsiteId);
    expect(job.status).toBe('completed');
    expect(job.progress.conversationsDone).toBe(1);
    expect(await compareMirrorWithTruth(dataSource, truth, exactWebsiteId)).toMatchObject(PERFECT);
    expect(simulator.faults.count()).toBe(3 + 1);
  });

  it('completes with 100% of the data while 10% of calls fail with 429, 420 and 500', async () => {
    const website = truth.addWebsite();
    for (let i = 0; i < 60; i += 1) {
      truth.addSyntheticConversation(website.website_id, {
        messageCount: 1 + ((i * 37) % 90),
        createdAt: Date.UTC(2025, 2, 1) + i * 60_000,
        rng: truth.rng,
      });
    }
    simulator.faults.failRandomly({
      probability: 0.1,
      statuses: [429, 420, 500],
      textBodyShare: 0.3,
    });
    const job = await runToEnd(website.website_id);
    expect(job.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, website.website_id)).toMatchObject(
      PERFECT,
    );
    expect(
      simulator.faults.count(undefined, 429) +
        simulator.faults.count(undefined, 420) +
        simulator.faults.count(undefined, 500),
    ).toBeGreaterThan(0);
  });

  it('retries a request that hangs until the connection drops', async () => {
    const website = truth.addWebsite();
    truth.addSyntheticConversation(website.website_id, {
      messageCount: 45,
      createdAt: Date.UTC(2025, 3, 1),
      rng: truth.rng,
    });
    simulator.faults.script([{ kind: 'timeout', hangMs: 200 }, 503, 502], /messages/);
    const job = await runToEnd(website.website_id);
    expect(job.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, website.website_id)).toMatchObject(
      PERFECT,
    );
  });

  it('fails with a clear error for a website the plugin is not subscribed to', async () => {
    const job = await runToEnd('00000000-0000-4000-8000-00000000dead');
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/not_subscribed|not_found/);
    expect(job.errorKind).toMatch(/^(not_subscribed|not_found)$/);
  });

  describe('over HTTP', () => {
    const server = () => request(app.getHttpServer() as App);

    it('POST /crisp/backfill/:websiteId starts or joins a job, GET /crisp/backfill/:jobId reports it', async () => {
      const website = truth.addWebsite();
      truth.addSyntheticConversation(website.website_id, {
        messageCount: 5,
        createdAt: Date.UTC(2025, 4, 1),
        rng: truth.rng,
      });
      const first = await server().post(`/crisp/backfill/${website.website_id}`);
      const second = await server().post(`/crisp/backfill/${website.website_id}`);
      expect(first.status).toBe(202);
      const firstBody = first.body as { data: BackfillStatus };
      const secondBody = second.body as { data: BackfillStatus; message: string };
      if (second.status === 202 && secondBody.data.status !== 'completed') {
        expect(secondBody.data.id).toBe(firstBody.data.id);
      }
      await backfill.waitUntilSettled(firstBody.data.id, 50);
      const status = await server().get(`/crisp/backfill/${firstBody.data.id}`);
      expect(status.status).toBe(200);
      expect((status.body as { data: BackfillStatus }).data).toMatchObject({
        status: 'completed',
        progress: {
          conversationsListed: 1,
          conversationsDone: 1,
          messagesStored: 5,
          requestsSpent: 2,
          estimatedRequestsLeft: 0,
        },
      });
    });

    it('GET /crisp/conversations/:websiteId syncs and answers the seed envelope; ?async=true answers 202 at once', async () => {
      const website = truth.addWebsite();
      for (let i = 0; i < 3; i += 1) {
        truth.addSyntheticConversation(website.website_id, {
          messageCount: 2,
          createdAt: Date.UTC(2025, 5, 1) + i,
          rng: truth.rng,
        });
      }
      const synced = await server().get(`/crisp/conversations/${website.website_id}`);
      expect(synced.status).toBe(200);
      expect(synced.body).toMatchObject({
        code: 200,
        message: 'All conversations retrieved, saved, and messages synced successfully',
        pagination: { total: 3, page: 1, pageParRecord: 3 },
      });
      // A website the plugin cannot see is the caller's mistake: 404, not a gateway error.
      const unknown = await server().get(
        '/crisp/conversations/00000000-0000-4000-8000-0000000beef0',
      );
      expect(unknown.status).toBe(404);
      expect((unknown.body as { message: string }).message).toMatch(/Backfill failed/);
      const other = truth.addWebsite();
      const started = await server().get(`/crisp/conversations/${other.website_id}?async=true`);
      expect(started.status).toBe(202);
      expect((started.body as { data: { id: string } }).data.id).toEqual(
        expect.any(String) as string,
      );
    });

    it('GET /crisp/messages/:websiteId/:sessionId reads every message of the conversation', async () => {
      const response = await server().get(`/crisp/messages/${edge.websiteId}/${edge.exactly41}`);
      expect(response.status).toBe(200);
      expect((response.body as { data: unknown[] }).data).toHaveLength(41);
    });

    it('answers bad ids with 400 and an unknown job with 404', async () => {
      const bad = await Promise.all([
        server().post('/crisp/backfill/not%20a%20website'),
        server().get('/crisp/backfill/not-a-uuid'),
        server().get('/crisp/conversations/%27%3B--'),
        server().get(`/crisp/conversations/${edge.websiteId}?async=maybe`),
        server().get(`/crisp/messages/${edge.websiteId}/not-a-session`),
      ]);
      expect(bad.map((response) => response.status)).toEqual([400, 400, 400, 400, 400]);
      const unknown = await server().get('/crisp/backfill/7b0c5a4e-8f4f-4c55-9d2e-5f0b8c1a2b3c');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 404 });
    });
  });
});
