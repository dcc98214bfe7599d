import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackfillRunnerService } from '../../src/backfill/backfill-runner.service';
import { BackfillService } from '../../src/backfill/backfill.service';
import { toEnvironmentVariables } from '../../src/database/database-connection';
import { CrispSimulator, GroundTruth, messageCountPresets } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  minimumBackfillCalls,
  PERFECT,
  simulatorVariables,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { buildServiceOnce } from '../support/service-process';

const ROOT = resolve(__dirname, '../..');

function addWebsite(truth: GroundTruth, conversations: number, month: number): string {
  const website = truth.addWebsite();
  const counts = messageCountPresets.uniform(1, 120);
  for (let i = 0; i < conversations; i += 1) {
    truth.addSyntheticConversation(website.website_id, {
      messageCount: counts(i, truth.rng),
      createdAt: Date.UTC(2025, month, 1) + i * 60_000,
      rng: truth.rng,
    });
  }
  return website.website_id;
}

describe('backfill resilience: quotas, crashes, several instances', () => {
  let truth: GroundTruth;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  const apps: INestApplication[] = [];

  const startApp = async (overrides: Record<string, string> = {}) => {
    const app = await createAppOnSimulator(database.connection, simulator.restUrl, overrides);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    truth = new GroundTruth({ seed: 23 });
    simulator = new CrispSimulator({ seed: 23, truth });
    await simulator.start();
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await simulator.stop();
    await database.drop();
  });

  beforeEach(() => {
    simulator.faults.clear();
    simulator.faults.resetCounters();
  });

  it('pauses when the daily budget is spent, never exceeds it, and resumes the next day where it stopped', async () => {
    const websiteId = addWebsite(truth, 30, 0);
    const app = await startApp({ CRISP_DAILY_REQUEST_BUDGET: '12' });
    const backfill = app.get(BackfillService);
    const { status } = await backfill.startOrJoin(websiteId);
    const paused = await backfill.waitUntilSettled(status.id, 50);
    expect(paused.status).toBe('paused');
    expect(paused.resumeAt!.getTime()).toBeGreaterThan(Date.now());
    expect(simulator.faults.count()).toBe(12);
    expect(paused.progress.requestsSpent).toBe(12);

    const dataSource = app.get(DataSource);
    let done = paused;
    let days = 1;
    while (done.status === 'paused' && days < 50) {
      const spentBefore = simulator.faults.count();
      await dataSource.query('DELETE FROM crisp_request_budget'); // the next UTC day
      await dataSource.query('UPDATE backfill_jobs SET resume_at = now() WHERE id = $1', [
        status.id,
      ]);
      await backfill.runInBackground(status.id);
      done = await backfill.waitUntilSettled(status.id, 50);
      expect(simulator.faults.count() - spentBefore).toBeLessThanOrEqual(12);
      days += 1;
    }
    expect(done.status).toBe('completed');
    expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
    expect(simulator.faults.count()).toBeLessThanOrEqual(
      Math.ceil(minimumBackfillCalls(truth, websiteId) * 1.05),
    );
  });

  it('treats Crisp’s own quota error as a pause, not a failure', async () => {
    const websiteId = addWebsite(truth, 10, 1);
    simulator.faults.setQuota({ limit: 5 });
    const backfill = (await startApp()).get(BackfillService);
    const { status } = await backfill.startOrJoin(websiteId);
    const paused = await backfill.waitUntilSettled(status.id, 50);
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/budget|quota/i);
  });

  it('lets one of two instances run a website’s backfill while the other joins it', async () => {
    const websiteId = addWebsite(truth, 40, 2);
    simulator.faults.setLatency({ min: 2, max: 8 });
    const [first, second] = await Promise.all([startApp(), startApp()]);
    const runs = await Promise.all(
      [first, second].map((app) => app.get(BackfillService).startOrJoin(websiteId)),
    );
    expect(runs[0].status.id).toBe(runs[1].status.id);
    const outcomes = await Promise.all(
      [first, second].map((app) => app.get(BackfillRunnerService).run(runs[0].status.id)),
    );
    expect(outcomes.filter((outcome) => outcome === 'busy').length).toBeGreaterThanOrEqual(1);
    const done = await first.get(BackfillService).waitUntilSettled(runs[0].status.id, 50);
    expect(done.status).toBe('completed');
    expect(await compareMirrorWithTruth(first.get(DataSource), truth, websiteId)).toMatchObject(
      PERFECT,
    );
    expect(simulator.faults.count()).toBeLessThanOrEqual(
      Math.ceil(minimumBackfillCalls(truth, websiteId) * 1.05),
    );
  });

  describe('killed with SIGKILL and started again', () => {
    beforeAll(() => buildServiceOnce(), 250_000);

    const runCli = (websiteId: string, killAfterMs?: number) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
        (done) => {
          const child = spawn(
            process.execPath,
            [join(ROOT, 'dist/src/backfill/backfill-cli.js'), websiteId],
            {
              env: {
                ...process.env,
                ...toEnvironmentVariables(database.connection),
                ...simulatorVariables(simulator.restUrl),
                NODE_ENV: 'development',
                DB_RUN_MIGRATIONS: 'false',
              },
              stdio: 'pipe',
            },
          );
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
          const killer =
            killAfterMs === undefined
              ? undefined
              : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          child.on('exit', (code, signal) => {
            clearTimeout(killer);
            done({ code, signal, output });
          });
        },
      );

    it('resumes from its checkpoint: final state equals the truth, at most 1.1 × the minimum calls', async () => {
      const websiteId = addWebsite(truth, 80, 3);
      simulator.faults.setLatency(20);
      const minimum = minimumBackfillCalls(truth, websiteId);
      // Nest starts in ~1 s; the backfill then takes ~1 s more at 20 ms a call.
      const killAfterMs = 1200 + Math.floor(Math.random() * 800);
      const killed = await runCli(websiteId, killAfterMs);
      expect(killed.signal).toBe('SIGKILL');
      const last = await runCli(websiteId);
      expect(last.code).toBe(0);
      expect(last.output).toMatch(/80\/80 conversations/);
      const dataSource = apps.length ? apps[0].get(DataSource) : (await startApp()).get(DataSource);
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
      expect(simulator.faults.count()).toBeLessThanOrEqual(Math.ceil(minimum * 1.1));
    }, 120_000);

    it('exits non-zero when the backfill fails', async () => {
      const run = await runCli('00000000-0000-4000-8000-00000000beef');
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/Backfill failed/);
    }, 60_000);
  });
});
