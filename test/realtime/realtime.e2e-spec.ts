import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { CrispSimulator, GroundTruth, signHook } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  conversationFieldsDiffer,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { startSimulatedWebsite } from '../support/simulated-website';

jest.setTimeout(60_000);

const SECRET = 'test-webhook-secret';

describe('real time: RTM, Web Hooks and the catch-up reconciler', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  let rtm: RtmListenerService;

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(31, 5, (i) => 3 + i));
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBHOOK_SECRET: SECRET,
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_LOOKBACK_MS: '7200000',
    });
    await app.listen(0, '127.0.0.1');
    dataSource = app.get(DataSource);
    rtm = app.get(RtmListenerService);
    await eventually(() => expect(rtm.state).toBe('connected'));
    // The first connection's catch-up brings in what happened before the service ran.
    await eventually(async () =>
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT),
    );
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  const sessions = () => [...truth.getWebsite(websiteId)!.conversations.keys()];
  const mirrorEqualsTruth = () =>
    eventually(async () => {
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
      expect(await conversationFieldsDiffer(dataSource, truth, websiteId)).toEqual([]);
    });

  /** Every kind of change the service mirrors, applied to the truth and sent as events. */
  function mutateEverything() {
    const created = simulator.mutate((t) => t.newConversation(websiteId));
    const sessionId = created.session_id;
    const first = simulator.mutate((t) =>
      t.addMessage(websiteId, sessionId, { from: 'user', content: 'hello' }),
    );
    simulator.mutate((t) =>
      t.addMessage(websiteId, sessionId, { from: 'operator', content: 'hi, how can I help?' }),
    );
    const firstFingerprint = (first as unknown as { message: { fingerprint: number } }).message
      .fingerprint;
    simulator.mutate((t) =>
      t.updateMessage(websiteId, sessionId, firstFingerprint, 'hello (edited)'),
    );
    const [other] = sessions();
    simulator.mutate((t) => t.setState(websiteId, other, 'resolved'));
    simulator.mutate((t) => t.setMeta(websiteId, other, 'email', 'someone@example.com'));
    simulator.mutate((t) => t.setMeta(websiteId, other, 'nickname', 'Someone'));
    simulator.mutate((t) => t.setMeta(websiteId, other, 'phone', '+33 1 23 45 67 89'));
    simulator.mutate((t) => t.setMeta(websiteId, other, 'subject', 'Refund'));
    simulator.mutate((t) => t.setSegments(websiteId, other, ['vip', 'refund']));
    simulator.mutate((t) => t.setData(websiteId, other, { plan: 'pro', seats: 3 }));
    simulator.mutate((t) => t.setBlock(websiteId, other, true));
    simulator.mutate((t) => t.updateAvailability(websiteId, other, 'online'));
    simulator.mutate((t) =>
      t.syncDevice(websiteId, other, 'geolocation', {
        country: 'FR',
        region: 'IDF',
        city: 'Paris',
        coordinates: { latitude: 48.86, longitude: 2.35 },
      }),
    );
    simulator.mutate((t) => t.syncDevice(websiteId, other, 'timezone', -60));
    simulator.mutate((t) => t.syncDevice(websiteId, other, 'locales', ['fr-FR', 'en']));
    simulator.mutate((t) => t.syncDevice(websiteId, other, 'capabilities', ['call']));
    simulator.mutate((t) =>
      t.syncDevice(websiteId, other, 'system', {
        os: { name: 'Linux', version: '6' },
        engine: { name: 'Gecko', version: '140' },
        browser: { name: 'Firefox', version: '140.0', major: '140' },
        useragent: 'Mozilla/5.0 (X11; Linux x86_64)',
      }),
    );
    simulator.mutate((t) =>
      t.syncNetwork(websiteId, other, '203.0.113.7', { isp: 'Example ISP', asn: '64500' }),
    );
    const removable = sessions()[2];
    const [message] = truth.getMessages(websiteId, removable);
    simulator.mutate((t) => t.removeMessage(websiteId, removable, message.fingerprint));
    simulator.mutate((t) => t.removeConversation(websiteId, sessions()[3]));
  }

  it('mirrors every kind of event over RTM, with no REST call per message event', async () => {
    const messageReads = () =>
      simulator.faults.count('GET /website/:id/conversation/:sid/messages');
    const before = messageReads();
    expect(before).toBeGreaterThan(0); // the first catch-up read messages: the route name is right
    mutateEverything();
    await mirrorEqualsTruth();
    expect(messageReads()).toBe(before);
  });

  it('stores an event delivered three times once', async () => {
    const replay = simulator.emitted.slice(-10);
    for (let i = 0; i < 3; i += 1) simulator.emit(replay, { webhooks: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mirrorEqualsTruth();
  });

  it('keeps the newest value when events arrive out of order, and an edit that came before its message', async () => {
    const ingest = app.get(CrispEventIngestService);
    const sessionId = sessions()[0];
    // Times in the past only: a future time would hold the field against the later tests' changes.
    const at = (offset: number) => new Date(Date.now() + offset);
    const base = { website_id: websiteId, session_id: sessionId, inbox_id: null };
    await ingest.ingest({
      name: 'session:set_state',
      payload: { ...base, state: 'resolved' },
      at: at(-1_000),
      door: 'webhook',
    });
    await ingest.ingest({
      name: 'session:set_state',
      payload: { ...base, state: 'pending' },
      at: at(-2_000),
      door: 'rtm',
    });
    const fingerprint = 999_000_000_000_001;
    await ingest.ingest({
      name: 'message:updated',
      payload: { ...base, fingerprint, content: 'edited first' },
      at: at(-1_000),
      door: 'rtm',
    });
    await ingest.ingest({
      name: 'message:send',
      payload: {
        ...base,
        fingerprint,
        type: 'text',
        from: 'user',
        origin: 'chat',
        content: 'original',
        timestamp: Date.now() - 3_000,
        user: { user_id: sessionId, nickname: 'v' },
        stamped: true,
      },
      at: at(-3_000),
      door: 'rtm',
    });
    const rows: { state: string }[] = await dataSource.query(
      'SELECT state FROM conversations WHERE session_id = $1',
      [sessionId],
    );
    expect(rows[0].state).toBe('resolved');
    const message: { content: string; edited: boolean; type: string }[] = await dataSource.query(
      'SELECT content, edited, type FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [sessionId, fingerprint],
    );
    expect(message).toEqual([{ content: 'edited first', edited: true, type: 'text' }]);
    await dataSource.query('DELETE FROM conversation_messages WHERE fingerprint = $1', [
      fingerprint,
    ]);
    simulator.mutate((t) => t.setState(websiteId, sessionId, 'resolved'));
  });

  describe('Web Hooks', () => {
    const post = (body: string, headers: Record<string, string>) =>
      request(app.getHttpServer() as App)
        .post('/crisp/webhooks')
        .set('Content-Type', 'application/json')
        .set(headers)
        .send(body);

    it('accepts signed events from the simulator and stores them once with RTM’s', async () => {
      const address = (app.getHttpServer() as Server).address() as AddressInfo;
      simulator.configureWebhook({
        url: `http://127.0.0.1:${address.port}/crisp/webhooks`,
        secret: SECRET,
      });
      const sessionId = sessions()[1];
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessionId, { from: 'user', content: 'by both doors' }),
      );
      simulator.mutate((t) => t.setMeta(websiteId, sessionId, 'email', 'both@example.com'));
      await mirrorEqualsTruth();
      await eventually(() =>
        expect(
          simulator.webhooks!.deliveries.filter((d) => d.delivered).length,
        ).toBeGreaterThanOrEqual(2),
      );
      simulator.configureWebhook(null);
    });

    it('rejects a missing, wrong or stale signature with 401', async () => {
      const body = JSON.stringify({
        website_id: websiteId,
        event: 'session:set_state',
        data: { website_id: websiteId, session_id: sessions()[0], state: 'pending' },
        timestamp: Date.now(),
      });
      const now = String(Date.now());
      const stale = String(Date.now() - 3_600_000);
      const responses = await Promise.all([
        post(body, {}),
        post(body, { 'X-Crisp-Request-Timestamp': now, 'X-Crisp-Signature': 'deadbeef' }),
        post(body, {
          'X-Crisp-Request-Timestamp': now,
          'X-Crisp-Signature': signHook('another-secret', now, body),
        }),
        post(body, {
          'X-Crisp-Request-Timestamp': stale,
          'X-Crisp-Signature': signHook(SECRET, stale, body),
        }),
      ]);
      expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
      const valid = await post(body, {
        'X-Crisp-Request-Timestamp': now,
        'X-Crisp-Signature': signHook(SECRET, now, body),
      });
      expect(valid.status).toBe(200);
      simulator.mutate((t) => t.setState(websiteId, sessions()[0], 'pending'));
    });
  });

  describe('connection trouble', () => {
    it('has all 300 changes missed while delivery was paused within 60 s of reconnecting', async () => {
      simulator.rtm.pauseDelivery();
      for (let i = 0; i < 300; i += 1) {
        const sessionId = sessions()[i % 3];
        simulator.mutate((t) =>
          t.addMessage(websiteId, sessionId, {
            from: i % 2 ? 'user' : 'operator',
            content: `missed ${i}`,
          }),
        );
      }
      simulator.mutate((t) => t.setState(websiteId, sessions()[1], 'unresolved'));
      simulator.rtm.resumeDelivery();
      simulator.rtm.dropTransports();
      await eventually(() => expect(rtm.state).not.toBe('connected'), 5_000).catch(() => undefined);
      const reconnecting = Date.now();
      await mirrorEqualsTruth();
      expect(Date.now() - reconnecting).toBeLessThan(60_000);
    }, 90_000);

    it('reconnects by itself after a server-side disconnect, and misses nothing', async () => {
      simulator.rtm.disconnectClients();
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessions()[0], { from: 'user', content: 'while disconnected' }),
      );
      await eventually(() => expect(rtm.state).toBe('connected'), 30_000);
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessions()[0], { from: 'operator', content: 'after reconnecting' }),
      );
      await mirrorEqualsTruth();
    }, 60_000);

    it('survives an unauthorized reply without crashing, and connects again', async () => {
      simulator.rtm.refuseNextAuthentications(1);
      simulator.rtm.disconnectClients();
      await eventually(() => expect(rtm.state).toBe('unauthorized'), 15_000);
      await eventually(() => expect(rtm.state).toBe('connected'), 30_000);
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessions()[1], { from: 'user', content: 'after unauthorized' }),
      );
      await mirrorEqualsTruth();
    }, 60_000);

    it('loses nothing while its database is unreachable for 15 s during a live stream', async () => {
      const name =
        database.connection.database ?? new URL(database.connection.url!).pathname.slice(1);
      const admin = new DataSource({
        type: 'postgres',
        ...database.connection,
        database: 'postgres',
        url: undefined,
      });
      await admin.initialize();
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      for (let i = 0; i < 40; i += 1) {
        simulator.mutate((t) =>
          t.addMessage(websiteId, sessions()[i % 4], {
            from: 'user',
            content: `during the outage ${i}`,
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 375));
      }
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.destroy();
      await mirrorEqualsTruth();
    }, 90_000);

    it('records the reconciler watermark', async () => {
      const watermark = await app.get(ReconcilerService).watermark(websiteId);
      expect(watermark).toBeInstanceOf(Date);
      expect(Date.now() - watermark!.getTime()).toBeLessThan(120_000);
    });
  });
});
