import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { parsePrometheusText, samplesOf } from '../metrics/prometheus-text';

jest.setTimeout(120_000);

const LOOKBACK_MS = 4 * 86_400_000;
/** How long each of a hanging website's calls is held before the connection drops. */
const HANG_MS = 4_000;

function addWebsite(truth: GroundTruth, conversations = 3): string {
  const websiteId = truth.addWebsite().website_id;
  for (let i = 0; i < conversations; i += 1) {
    truth.addSyntheticConversation(websiteId, {
      messageCount: 2 + i,
      createdAt: Date.now() - 3 * 86_400_000 + i * 1000,
      rng: truth.rng,
    });
  }
  return websiteId;
}

/** A fault matcher for every REST call about one website. */
const aboutWebsite = (websiteId: string) => (_route: string, sent: string) =>
  sent.includes(`/website/${websiteId}/`);

async function startApp(simulator: CrispSimulator, overrides: Record<string, string>) {
  const database = await createTestDatabase();
  const app = await createAppOnSimulator(database.connection, simulator.restUrl, {
    RECONCILE_INTERVAL_MS: '0',
    RECONCILE_LOOKBACK_MS: String(LOOKBACK_MS),
    ...overrides,
  });
  return { database, app, reconciler: app.get(ReconcilerService), dataSource: app.get(DataSource) };
}

/**
 * The catch-up of several websites: one whose calls keep failing or hang costs the others
 * neither their catch-up nor time, and waits a backoff of its own; the list of websites is asked
 * again, so a website added after the start is caught up without a restart.
 */
describe('catch-up of several websites', () => {
  describe('a website that keeps failing', () => {
    const truth = new GroundTruth({ seed: 71 });
    const failing = addWebsite(truth);
    const hanging = addWebsite(truth);
    const healthy = [addWebsite(truth), addWebsite(truth)];
    let simulator: CrispSimulator;
    let database: TestDatabase;
    let app: INestApplication;
    let reconciler: ReconcilerService;
    let dataSource: DataSource;
    /** Every REST request, as sent (method and path). */
    const sent: string[] = [];
    const sentAbout = (websiteId: string) =>
      sent.filter((line) => line.includes(`/website/${websiteId}/`)).length;

    beforeAll(async () => {
      simulator = new CrispSimulator({ seed: 71, truth });
      await simulator.start();
      // Only watched (no latency added): the requests each website costs.
      simulator.faults.setLatency(0, (_route, line) => {
        sent.push(line);
        return false;
      });
      // The failing and the hanging website come first: a catch-up of one website after the
      // other would never reach the healthy ones, or reach them only after the hang.
      ({ database, app, reconciler, dataSource } = await startApp(simulator, {
        CRISP_WEBSITE_IDS: [failing, hanging, ...healthy].join(','),
        CRISP_CONCURRENCY: '2',
        CRISP_MAX_ATTEMPTS: '2',
      }));
    });

    afterAll(async () => {
      await app?.close();
      await simulator?.stop();
      await database?.drop();
    });

    const caughtUp = async (websiteId: string) => {
      expect(await reconciler.watermark(websiteId)).toBeInstanceOf(Date);
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
    };

    it('never stops or holds up the others: they are caught up while it fails or hangs', async () => {
      simulator.faults.failRandomly({
        probability: 1,
        statuses: [500],
        route: aboutWebsite(failing),
      });
      simulator.faults.script(
        Array.from({ length: 40 }, () => ({ kind: 'timeout' as const, hangMs: HANG_MS })),
        aboutWebsite(hanging),
      );
      const started = Date.now();
      const run = reconciler.reconcile('test: two websites failing');
      await eventually(async () => {
        for (const websiteId of healthy) await caughtUp(websiteId);
      }, 15_000);
      // Before the hanging website's first call even gave up.
      expect(Date.now() - started).toBeLessThan(HANG_MS);
      expect(await run).toMatchObject({ websites: 2, failed: 2 });
      expect(await reconciler.watermark(failing)).toBeNull();
      expect(await reconciler.watermark(hanging)).toBeNull();

      const metrics = await request(app.getHttpServer() as App)
        .get('/metrics')
        .expect(200);
      const failures = samplesOf(
        parsePrometheusText(metrics.text),
        'reconciler_website_failures_total',
      );
      const count = (websiteId: string, kind: string) =>
        failures.find(({ labels }) => labels.website_id === websiteId && labels.kind === kind)
          ?.value;
      // The failing website may have been retried once already (its first wait is 1 s).
      expect(count(failing, 'server')).toBeGreaterThanOrEqual(1);
      expect(count(hanging, 'network')).toBe(1);
      expect(failures.filter(({ labels }) => healthy.includes(labels.website_id))).toEqual([]);
    });

    it('retries a failing website alone, after a backoff of its own, until it works again', async () => {
      // The hanging website answers again; the failing one still fails.
      simulator.faults.clearScripts();
      sent.length = 0;
      const cleared = Date.now();
      await eventually(() => caughtUp(hanging), 30_000);
      // Retried on its own: the healthy websites cost nothing more.
      for (const websiteId of healthy) expect(sentAbout(websiteId)).toBe(0);

      // Once the failing website failed again (two attempts), its wait is 2 s or more: runs of
      // every website meanwhile leave it out, and catch the others up.
      const tried = sentAbout(failing);
      await eventually(() => expect(sentAbout(failing)).toBeGreaterThanOrEqual(tried + 2), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = sentAbout(failing);
      await reconciler.reconcile('test: a run during the backoff');
      await reconciler.reconcile('test: another');
      for (const websiteId of healthy) expect(sentAbout(websiteId)).toBeGreaterThan(0);
      expect(sentAbout(failing)).toBe(before);
      // Its wait doubles from 1 s: a few tries in these seconds, not one a second.
      const seconds = (Date.now() - cleared) / 1000;
      expect(sentAbout(failing)).toBeLessThanOrEqual(2 * (Math.log2(seconds + 1) + 2));

      simulator.faults.failRandomly(null);
      await eventually(() => caughtUp(failing), 60_000);
    });
  });

  describe('the list of websites', () => {
    it('lists the plugin’s websites again: one added after the start is caught up', async () => {
      const truth = new GroundTruth({ seed: 72 });
      const first = addWebsite(truth);
      const simulator = new CrispSimulator({ seed: 72, truth });
      await simulator.start();
      const { database, app, reconciler, dataSource } = await startApp(simulator, {
        RECONCILE_WEBSITES_REFRESH_MS: '0',
      });
      try {
        await reconciler.reconcile('test: first run');
        expect(await reconciler.watermark(first)).toBeInstanceOf(Date);
        const added = addWebsite(truth);
        await reconciler.reconcile('test: after a website was added');
        expect(await reconciler.watermark(added)).toBeInstanceOf(Date);
        expect(await compareMirrorWithTruth(dataSource, truth, added)).toMatchObject(PERFECT);
      } finally {
        await app.close();
        await simulator.stop();
        await database.drop();
      }
    });

    it('covers a website backfilled since, before the plugin’s websites are listed again', async () => {
      const truth = new GroundTruth({ seed: 73 });
      const first = addWebsite(truth);
      const simulator = new CrispSimulator({ seed: 73, truth });
      await simulator.start();
      const { database, app, reconciler } = await startApp(simulator, {
        RECONCILE_WEBSITES_REFRESH_MS: '3600000',
      });
      try {
        await reconciler.reconcile('test: first run');
        expect(await reconciler.watermark(first)).toBeInstanceOf(Date);
        const backfilled = addWebsite(truth);
        const backfill = app.get(BackfillService);
        const { status } = await backfill.startOrJoin(backfilled);
        expect((await backfill.waitUntilSettled(status.id, 50)).status).toBe('completed');
        await reconciler.reconcile('test: after a backfill');
        expect(await reconciler.watermark(backfilled)).toBeInstanceOf(Date);
      } finally {
        await app.close();
        await simulator.stop();
        await database.drop();
      }
    });
  });
});
