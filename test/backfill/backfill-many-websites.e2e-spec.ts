import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { toPgClientConfig } from '../../src/database/database-connection';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(180_000);

const WEBSITES = 12;

describe('many websites backfilling at once on a small pool', () => {
  let truth: GroundTruth;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  const websiteIds: string[] = [];
  const http = () => request(app.getHttpServer() as App);

  beforeAll(async () => {
    truth = new GroundTruth({ seed: 97 });
    for (let w = 0; w < WEBSITES; w += 1) {
      const { website_id: websiteId } = truth.addWebsite();
      websiteIds.push(websiteId);
      for (let i = 0; i < 6; i += 1) {
        truth.addSyntheticConversation(websiteId, {
          messageCount: 3 + i,
          createdAt: Date.UTC(2025, 2, 1) + i * 60_000,
          rng: truth.rng,
        });
      }
    }
    simulator = new CrispSimulator({ seed: 97, truth });
    await simulator.start();
    // Slow enough that every job is still running when the next ones ask for their turn.
    simulator.faults.setLatency({ min: 20, max: 40 });
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      DB_POOL_SIZE: '4',
      BACKFILL_MAX_CONCURRENT_JOBS: '3',
    });
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.stop();
    await database?.drop();
  });

  it('completes every job, and health and the read API answer within 2 s throughout', async () => {
    const backfill = app.get(BackfillService);
    const jobs = await Promise.all(websiteIds.map((websiteId) => backfill.startOrJoin(websiteId)));
    const slowest = { ready: 0, read: 0 };
    let settled = false;
    const settling = Promise.all(
      jobs.map(({ status }) => backfill.waitUntilSettled(status.id)),
    ).finally(() => (settled = true));
    while (!settled) {
      const started = Date.now();
      const ready = await http().get('/health/ready').timeout(2_000);
      slowest.ready = Math.max(slowest.ready, Date.now() - started);
      const readStarted = Date.now();
      const read = await http().get('/crisp-db/conversations?limit=20').timeout(2_000);
      slowest.read = Math.max(slowest.read, Date.now() - readStarted);
      expect([ready.status, read.status]).toEqual([200, 200]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const statuses = await settling;
    expect(statuses.map((status) => status.status)).toEqual(Array(WEBSITES).fill('completed'));
    expect(slowest.ready).toBeLessThan(2_000);
    expect(slowest.read).toBeLessThan(2_000);
    const dataSource = app.get(DataSource);
    for (const websiteId of websiteIds) {
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
    }
  });

  it('stops writing when its website lock is lost, and the job resumes from its checkpoint', async () => {
    const { website_id: websiteId } = truth.addWebsite();
    for (let i = 0; i < 60; i += 1) {
      truth.addSyntheticConversation(websiteId, {
        messageCount: 5,
        createdAt: Date.UTC(2025, 3, 1) + i * 60_000,
        rng: truth.rng,
      });
    }
    simulator.faults.setLatency(100);
    const backfill = app.get(BackfillService);
    const { status } = await backfill.startOrJoin(websiteId);
    // Once it holds the lock and runs: a session ended while the lock is being taken is a
    // failure to take it, which the runner waits out and takes a new one.
    await eventually(async () => expect((await backfill.status(status.id)).status).toBe('running'));
    const admin = new Client(toPgClientConfig(database.connection));
    await admin.connect();
    try {
      // The lock's session, killed from outside (a database failover, an operator).
      await eventually(async () => {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'crisp-basedash backfill-lock'`,
        );
        expect(rowCount).toBe(1);
      });
    } finally {
      await admin.end();
    }
    const stored = async () => (await backfill.status(status.id)).progress.messagesStored;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const afterLoss = await stored();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await stored()).toBe(afterLoss);
    expect(afterLoss).toBeLessThan(300);
    expect((await backfill.status(status.id)).status).toBe('running');

    simulator.faults.setLatency(null);
    void backfill.runInBackground(status.id);
    const finished = await backfill.waitUntilSettled(status.id);
    expect(finished.status).toBe('completed');
    expect(await compareMirrorWithTruth(app.get(DataSource), truth, websiteId)).toMatchObject(
      PERFECT,
    );
  });
});
