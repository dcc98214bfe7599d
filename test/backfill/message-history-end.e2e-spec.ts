import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import {
  CrispSimulator,
  generateGroundTruth,
  GroundTruth,
  type RestBehaviourOptions,
} from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  minimumBackfillCalls,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

/** Counts on and around every multiple of 20 and 40, where "a short batch ends it" goes wrong. */
const BOUNDARY_COUNTS = [0, 1, 19, 20, 21, 39, 40, 41, 59, 60, 61, 79, 80, 81, 100, 137];

function websiteOf(truth: GroundTruth, conversations: number): string {
  const { website_id: websiteId } = truth.addWebsite();
  for (let i = 0; i < conversations; i += 1) {
    truth.addSyntheticConversation(websiteId, {
      messageCount: i < BOUNDARY_COUNTS.length ? BOUNDARY_COUNTS[i] : 1 + ((i * 37) % 130),
      createdAt: Date.UTC(2025, 1, 1) + i * 60_000,
      rng: truth.rng,
    });
  }
  return websiteId;
}

/** One simulator with the given REST behaviour, and the service on a database of its own. */
async function serviceOn(truth: GroundTruth, rest: RestBehaviourOptions) {
  const simulator = new CrispSimulator({ seed: 21, truth, rest });
  await simulator.start();
  const database: TestDatabase = await createTestDatabase();
  const app: INestApplication = await createAppOnSimulator(database.connection, simulator.restUrl);
  const backfill = app.get(BackfillService);
  return {
    simulator,
    app,
    dataSource: app.get(DataSource),
    async backfillToEnd(websiteId: string) {
      const { status } = await backfill.startOrJoin(websiteId);
      return backfill.waitUntilSettled(status.id, 50);
    },
    async stop() {
      await app.close();
      await simulator.stop();
      await database.drop();
    },
  };
}

describe('the end of a message history: 206 while older messages remain, 200 at the end', () => {
  describe('batches of 20 with the 206/200 signal', () => {
    const truth = new GroundTruth({ seed: 21 });
    const websiteId = websiteOf(truth, 400);
    const longSession = [...truth.getWebsite(websiteId)!.conversations.keys()][15];
    let service: Awaited<ReturnType<typeof serviceOn>>;

    beforeAll(async () => {
      service = await serviceOn(truth, { messageBatchSize: 20 });
    });
    afterAll(() => service.stop());

    it('backfills 400 conversations completely within 1.05 × the minimum of REST calls', async () => {
      const job = await service.backfillToEnd(websiteId);
      expect(job.status).toBe('completed');
      expect(await compareMirrorWithTruth(service.dataSource, truth, websiteId)).toMatchObject(
        PERFECT,
      );
      const minimum = minimumBackfillCalls(truth, websiteId, 20);
      const calls = service.simulator.faults.count();
      expect(calls).toBeLessThanOrEqual(Math.ceil(minimum * 1.05));
      expect(job.progress.requestsSpent).toBe(calls);
    }, 120_000);

    it('GET /crisp/messages/… reads the whole history, one call per batch of 20', async () => {
      service.simulator.faults.resetCounters();
      const response = await request(service.app.getHttpServer() as App).get(
        `/crisp/messages/${websiteId}/${longSession}`,
      );
      expect(response.status).toBe(200);
      expect((response.body as { data: unknown[] }).data).toHaveLength(137);
      expect(service.simulator.faults.count()).toBe(Math.ceil(137 / 20));
    });
  });

  describe('a status that says nothing (a proxy answering 203)', () => {
    const truth = new GroundTruth({ seed: 22 });
    const websiteId = websiteOf(truth, 40);
    let service: Awaited<ReturnType<typeof serviceOn>>;

    beforeAll(async () => {
      service = await serviceOn(truth, { messageBatchSize: 20, historyStatus: 203 });
    });
    afterAll(() => service.stop());

    it('pages back until an empty batch and stores every message', async () => {
      const job = await service.backfillToEnd(websiteId);
      expect(job.status).toBe('completed');
      expect(await compareMirrorWithTruth(service.dataSource, truth, websiteId)).toMatchObject(
        PERFECT,
      );
    }, 60_000);
  });

  describe('messages that leave out the flags that are not set, as a live capture does', () => {
    const truth = new GroundTruth({ seed: 22 });
    const websiteId = websiteOf(truth, 30);
    let service: Awaited<ReturnType<typeof serviceOn>>;

    beforeAll(async () => {
      service = await serviceOn(truth, { omitFalseMessageFlags: true });
    });
    afterAll(() => service.stop());

    it('stores them with edited and translated false, so WHERE edited = false counts right', async () => {
      const job = await service.backfillToEnd(websiteId);
      expect(job.status).toBe('completed');
      expect(await compareMirrorWithTruth(service.dataSource, truth, websiteId)).toMatchObject(
        PERFECT,
      );
      const unedited = [...truth.getWebsite(websiteId)!.conversations.keys()]
        .flatMap((sessionId) => truth.getMessages(websiteId, sessionId))
        .filter((message) => !message.edited).length;
      const rows = await service.dataSource.query<{ unedited: string; untranslated: string }[]>(
        `SELECT count(*) FILTER (WHERE edited = false) AS unedited,
                count(*) FILTER (WHERE translated = false) AS untranslated
           FROM conversation_messages WHERE website_id = $1`,
        [websiteId],
      );
      expect(Number(rows[0].unedited)).toBe(unedited);
      expect(unedited).toBeGreaterThan(0);
    }, 60_000);
  });

  describe('the default simulated data (batches of 40, 206/200)', () => {
    // What `new CrispSimulator()` generates when given nothing.
    const truth = generateGroundTruth({ seed: 1, websites: 2, conversationsPerWebsite: 50 });
    let service: Awaited<ReturnType<typeof serviceOn>>;

    beforeAll(async () => {
      service = await serviceOn(truth, {});
    });
    afterAll(() => service.stop());

    it('spends at most 1.02 × the minimum of REST calls', async () => {
      for (const websiteId of truth.websiteIds()) {
        service.simulator.faults.resetCounters();
        const job = await service.backfillToEnd(websiteId);
        expect(job.status).toBe('completed');
        expect(await compareMirrorWithTruth(service.dataSource, truth, websiteId)).toMatchObject(
          PERFECT,
        );
        const minimum = minimumBackfillCalls(truth, websiteId);
        expect(service.simulator.faults.count()).toBeLessThanOrEqual(Math.floor(minimum * 1.02));
      }
    }, 120_000);
  });
});
