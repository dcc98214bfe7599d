import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import type { CrispEvent } from '../../src/realtime/crisp-events';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { parsePrometheusText, samplesOf, valueOf, type Sample } from './prometheus-text';

jest.setTimeout(60_000);

const DAILY_BUDGET = 1_000;
/** The service's route templates and the simulator's names for the same routes. */
const ROUTES = {
  list: ['GET /website/:website_id/conversations/:page', 'GET /website/:id/conversations/:page'],
  messages: [
    'GET /website/:website_id/conversation/:session_id/messages',
    'GET /website/:id/conversation/:sid/messages',
  ],
  conversation: [
    'GET /website/:website_id/conversation/:session_id',
    'GET /website/:id/conversation/:sid',
  ],
} as const;

describe('GET /metrics (Prometheus)', () => {
  let truth: GroundTruth;
  let liveWebsiteId: string;
  let backfillWebsiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    truth = new GroundTruth({ seed: 57 });
    liveWebsiteId = truth.addWebsite().website_id;
    backfillWebsiteId = truth.addWebsite().website_id;
    const conversation = (websiteId: string, messageCount: number, i: number) =>
      truth.addSyntheticConversation(websiteId, {
        messageCount,
        createdAt: Date.now() - 3_600_000 + i * 1000,
        rng: truth.rng,
      });
    [2, 3].forEach((count, i) => conversation(liveWebsiteId, count, i));
    // 45 messages take two requests (40 per request): 1 list page + 1 + 1 + 2 message requests.
    [1, 4, 45].forEach((count, i) => conversation(backfillWebsiteId, count, i));
    simulator = new CrispSimulator({ seed: 57, truth });
    await simulator.start();
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBSITE_IDS: liveWebsiteId,
      CRISP_DAILY_REQUEST_BUDGET: String(DAILY_BUDGET),
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_LOOKBACK_MS: '7200000',
      MIRROR_BUFFER_LIMIT: '100',
    });
    dataSource = app.get(DataSource);
    await eventually(() => expect(app.get(RtmListenerService).state).toBe('connected'));
    // The first connection's catch-up copies the live website; wait until it is done.
    await eventually(async () =>
      expect(await compareMirrorWithTruth(dataSource, truth, liveWebsiteId)).toMatchObject(PERFECT),
    );
    await app.get(ReconcilerService).reconcile('test: settle');
  });

  afterAll(async () => {
    await app?.close();
    await simulator?.stop();
    await database?.drop();
  });

  const server = () => app.getHttpServer() as App;

  async function scrape(): Promise<Sample[]> {
    const response = await request(server()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(response.text);
  }

  const liveSessions = () => [...truth.getWebsite(liveWebsiteId)!.conversations.keys()];

  function event(name: string, payload: Record<string, unknown>): CrispEvent {
    const [sessionId] = liveSessions();
    return {
      name,
      payload: { website_id: liveWebsiteId, session_id: sessionId, ...payload },
      at: new Date(),
      door: 'webhook',
    };
  }

  it('counts events by type and outcome, and times their batches', async () => {
    const ingest = app.get(CrispEventIngestService);
    const before = await scrape();
    const fingerprint = 900_000_000_000;
    for (let i = 0; i < 3; i += 1) {
      await ingest.ingest(
        event('message:send', {
          fingerprint: fingerprint + i,
          timestamp: Date.now(),
          type: 'text',
          from: 'user',
          origin: 'chat',
          content: `metrics test ${i}`,
          user: { nickname: 'Visitor' },
        }),
      );
    }
    for (const state of ['resolved', 'unresolved']) {
      await ingest.ingest(event('session:set_state', { state }));
    }
    // More changes than the buffer holds (MIRROR_BUFFER_LIMIT=100): refused, counted as failed.
    const receipts = Array.from({ length: 150 }, (_, i) => fingerprint + i);
    await expect(
      ingest.ingest(
        event('message:acknowledge:read:send', { fingerprints: receipts, origin: 'chat' }),
      ),
    ).rejects.toThrow('mirror buffer full');
    const after = await scrape();

    const grew = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(grew('crisp_events_total', { type: 'message:send', outcome: 'stored' })).toBe(3);
    expect(grew('crisp_events_total', { type: 'session:set_state', outcome: 'stored' })).toBe(2);
    expect(
      grew('crisp_events_total', { type: 'message:acknowledge:read:send', outcome: 'failed' }),
    ).toBe(1);
    expect(
      grew('crisp_events_total', { type: 'message:acknowledge:read:send', outcome: 'stored' }),
    ).toBe(0);
    // Each awaited event was its own batch: a message is 1 change, a state patch 2 (stub + patch).
    expect(grew('mirror_write_batch_size_count')).toBe(5);
    expect(grew('mirror_write_batch_size_sum')).toBe(3 * 1 + 2 * 2);
    expect(grew('mirror_write_batch_size_bucket', { le: '1' })).toBe(3);
    expect(grew('mirror_write_batch_size_bucket', { le: '2' })).toBe(5);
    expect(grew('mirror_write_seconds_count')).toBe(5);
    expect(grew('mirror_write_seconds_sum')).toBeGreaterThan(0);
    expect(grew('crisp_event_to_row_seconds_count')).toBe(5);
    expect(valueOf(after, 'mirror_buffer_depth')).toBe(0);
    expect(valueOf(after, 'mirror_write_failures_total')).toBe(0);
  });

  it('counts Crisp REST calls by route and status, and the quota, after a backfill', async () => {
    const backfill = app.get(BackfillService);
    const { status } = await backfill.startOrJoin(backfillWebsiteId);
    const job = await backfill.waitUntilSettled(status.id, 50);
    expect(job.status).toBe('completed');
    const samples = await scrape();

    const calls = (route: string) =>
      valueOf(samples, 'crisp_rest_calls_total', { route, status: 'ok' });
    // Everything this instance called (catch-up, metadata, backfill), as the simulator saw it.
    for (const [ours, simulators] of Object.values(ROUTES)) {
      expect(calls(ours)).toBe(simulator.faults.count(simulators));
    }
    // The backfill alone: one list page for each website read, and 1 + 1 + 2 message requests.
    expect(calls(ROUTES.list[0])).toBeGreaterThanOrEqual(2);
    expect(calls(ROUTES.messages[0])).toBeGreaterThanOrEqual(4);
    expect(
      samplesOf(samples, 'crisp_rest_calls_total').every((s) => s.labels.status === 'ok'),
    ).toBe(true);

    const budget: { used: number }[] = await dataSource.query(
      'SELECT used FROM crisp_request_budget',
    );
    expect(budget).toHaveLength(1);
    const made = samplesOf(samples, 'crisp_rest_calls_total').reduce((n, s) => n + s.value, 0);
    expect(valueOf(samples, 'crisp_quota_used')).toBe(budget[0].used);
    expect(valueOf(samples, 'crisp_quota_used')).toBeGreaterThanOrEqual(made);
    expect(valueOf(samples, 'crisp_quota_left')).toBe(DAILY_BUDGET - budget[0].used);
    expect(valueOf(samples, 'backfill_jobs', { status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'backfill_jobs', { status: 'running' })).toBe(0);
    // A finished job is no longer progress to watch.
    expect(samplesOf(samples, 'backfill_progress_ratio')).toEqual([]);
  });

  it("reports an active backfill's progress per website", async () => {
    const websiteId = 'website-in-progress';
    const [job]: { id: string }[] = await dataSource.query(
      `INSERT INTO backfill_jobs (website_id, status, phase, conversations_listed, next_list_page)
       VALUES ($1, 'paused', 'messages', 4, 2) RETURNING id`,
      [websiteId],
    );
    await dataSource.query(
      `INSERT INTO backfill_job_conversations (job_id, session_id, status, messages_stored)
       VALUES ($1, 's1', 'done', 7), ($1, 's2', 'pending', 40), ($1, 's3', 'pending', 0),
              ($1, 's4', 'pending', 0)`,
      [job.id],
    );
    try {
      const samples = await scrape();
      const labels = { website_id: websiteId };
      expect(valueOf(samples, 'backfill_conversations_done', labels)).toBe(1);
      expect(valueOf(samples, 'backfill_messages_done', labels)).toBe(47);
      expect(valueOf(samples, 'backfill_progress_ratio', labels)).toBe(0.25);
      expect(valueOf(samples, 'backfill_jobs', { status: 'paused' })).toBe(1);
    } finally {
      await dataSource.query(`DELETE FROM backfill_jobs WHERE id = $1`, [job.id]);
    }
  });

  it('reports RTM, the reconciler watermark and the process', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'rtm_connected')).toBe(1);
    const age = valueOf(samples, 'reconciler_watermark_age_seconds', {
      website_id: liveWebsiteId,
    });
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    // Only the reconciled website has a watermark.
    expect(samplesOf(samples, 'reconciler_watermark_age_seconds')).toHaveLength(1);
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samplesOf(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('counts HTTP requests by route pattern, never by URL', async () => {
    const before = await scrape();
    const [sessionId] = liveSessions();
    await request(server()).get('/crisp-db/conversations?limit=1').expect(200);
    await request(server()).get(`/crisp-db/messages/${sessionId}?limit=2`).expect(200);
    await request(server()).get(`/crisp-db/messages/${sessionId}`).expect(200);
    await request(server()).get('/crisp-db/conversations?limit=0').expect(400);
    await request(server()).get('/no/such/route/42').expect(404);
    const after = await scrape();
    const grew = (labels: Record<string, string>) =>
      valueOf(after, 'http_requests_total', labels) -
      valueOf(before, 'http_requests_total', labels);
    const get = { method: 'GET' };
    expect(grew({ ...get, route: '/crisp-db/conversations', status: '200' })).toBe(1);
    expect(grew({ ...get, route: '/crisp-db/conversations', status: '400' })).toBe(1);
    expect(grew({ ...get, route: '/crisp-db/messages/:sessionId', status: '200' })).toBe(2);
    expect(grew({ ...get, route: 'unmatched', status: '404' })).toBe(1);
    const routes = new Set(samplesOf(after, 'http_requests_total').map((s) => s.labels.route));
    expect([...routes].filter((route) => route.includes(sessionId) || route.includes('?'))).toEqual(
      [],
    );
  });

  it('keeps each application in a registry of its own', async () => {
    const other = await createTestApp(
      database.connection,
      testConfig({ BACKFILL_POLL_INTERVAL_MS: '0' }),
    );
    try {
      const response = await request(other.getHttpServer() as App)
        .get('/metrics')
        .expect(200);
      const samples = parsePrometheusText(response.text);
      expect(samplesOf(samples, 'crisp_events_total')).toEqual([]);
      expect(valueOf(samples, 'rtm_connected')).toBe(0);
    } finally {
      await other.close();
    }
    // Closing the other application leaves this one's metrics alone.
    expect(valueOf(await scrape(), 'rtm_connected')).toBe(1);
  });
});
