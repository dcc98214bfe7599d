/**
 * Issue 11 items 3, 4 and 6: every door is total, no payload is a poison pill, and readiness
 * tells when nothing reaches the database. Signed hooks come from the simulator's sender.
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { toPgClientConfig } from '../../src/database/database-connection';
import { MetricsService } from '../../src/metrics/metrics.service';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import { mapCrispEvent, type MirrorChange } from '../../src/realtime/crisp-event.mapper';
import { MirrorWriterService } from '../../src/realtime/mirror-writer.service';
import {
  CrispSimulator,
  GroundTruth,
  signHook,
  UNKNOWN_EVENT_NAME,
  type WireEvent,
} from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { startSimulatedWebsite } from '../support/simulated-website';

jest.setTimeout(90_000);

const SECRET = 'doors-webhook-secret';

describe('total doors: Web Hooks and RTM events of any shape', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(47, 3, () => 2));
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_WEBHOOK_SECRET: SECRET,
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_INTERVAL_MS: '0',
      MIRROR_STALL_MS: '1500',
    });
    await app.listen(0, '127.0.0.1');
    dataSource = app.get(DataSource);
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    // One attempt: a 5xx must show, not be retried away.
    simulator.configureWebhook({
      url: `http://127.0.0.1:${port}/crisp/webhooks`,
      secret: SECRET,
      attempts: 1,
      timeoutMs: 15_000,
    });
  });

  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  const sessions = () => [...truth.getWebsite(websiteId)!.conversations.keys()];
  // Shapes Crisp may send that the simulator's typed events do not describe, sent as they are.
  const hook = (event: string, data: Record<string, unknown>): WireEvent => ({
    event,
    data: { ...data, website_id: websiteId },
  });
  const send = (event: WireEvent) => simulator.webhooks!.send(event);
  const statusOf = async (event: WireEvent) => (await send(event)).attempts[0].status;
  const setAside = (where: string, params: unknown[] = []) =>
    dataSource.query<{ door: string; event: string; reason: string; payload: string }[]>(
      `SELECT door, event, reason, payload FROM set_aside_events WHERE ${where} ORDER BY id`,
      params,
    );

  it('answers 200 to receipts without fingerprints and device events without their object', async () => {
    const session_id = sessions()[0];
    const events = [
      hook('message:acknowledge:unread:send', { session_id, origin: 'chat' }),
      hook('message:acknowledge:read:received', { session_id, origin: 'chat' }),
      hook('message:acknowledge:delivered', { session_id, origin: 'email' }),
      hook('session:sync:timezone', { session_id }),
      hook('session:sync:locales', { session_id }),
      hook('session:sync:network', { session_id }),
    ];
    for (const event of events)
      expect([event.event, await statusOf(event)]).toEqual([event.event, 200]);
    const rows: unknown[] = await dataSource.query(
      'SELECT 1 FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(rows).toHaveLength(1);
  });

  it('sets aside a NUL byte, and stores the 100 hooks after it within 5 s each, no 5xx', async () => {
    const session_id = sessions()[1];
    const [poison] = truth.addMessage(websiteId, session_id, {
      from: 'user',
      content: 'before\u0000after',
    }).events;
    const ordinary = Array.from(
      { length: 100 },
      (_, i) =>
        truth.addMessage(websiteId, session_id, { from: 'user', content: `ordinary ${i}` })
          .events[0],
    );
    const first = send(poison);
    const deliveries = await Promise.all([first, ...ordinary.map(send)]);
    const statuses = deliveries.map((delivery) => delivery.attempts[0].status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const slowest = Math.max(...deliveries.slice(1).map((d) => d.attempts[0].durationMs));
    expect(slowest).toBeLessThan(5_000);
    const stored: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM conversation_messages WHERE session_id = $1 AND content LIKE 'ordinary %'`,
      [session_id],
    );
    expect(Number(stored[0].n)).toBe(100);
    const kept = await setAside(`reason = 'nul_byte' AND payload LIKE '%before%'`);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ door: 'webhook', event: 'message:send' });
    // Kept whole: the body as Crisp sent it, NUL escape included.
    expect(JSON.parse(kept[0].payload)).toMatchObject({ data: { content: 'before\u0000after' } });
    // The RTM door sets aside the same way, and is not wedged either.
    const ingest = app.get(CrispEventIngestService);
    const viaRtm = await ingest.ingest({
      name: 'session:set_nickname',
      payload: { website_id: websiteId, session_id, nickname: 'Zo\u0000é' },
      at: new Date(),
      door: 'rtm',
    });
    expect(viaRtm).toBe('set-aside');
    expect(await setAside(`door = 'rtm' AND event = 'session:set_nickname'`)).toEqual([
      expect.objectContaining({ reason: 'nul_byte' }),
    ]);
    await ingest.ingest({
      name: 'session:set_subject',
      payload: { website_id: websiteId, session_id, subject: 'after the poison' },
      at: new Date(),
      door: 'rtm',
    });
    const subject: unknown[] = await dataSource.query(
      'SELECT meta_subject FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(subject).toEqual([{ meta_subject: 'after the poison' }]);
  });

  it('splits a batch PostgreSQL refuses until the refused change is alone: it is set aside, the rest commit', async () => {
    const writer = app.get(MirrorWriterService);
    const session_id = sessions()[2];
    const base = Date.now();
    // Past the door's own NUL check, as a refusal the door cannot foresee would be.
    const changes = Array.from({ length: 40 }, (_, i): MirrorChange => {
      const mapping = mapCrispEvent({
        name: 'message:received',
        payload: {
          website_id: websiteId,
          session_id,
          fingerprint: base + i,
          content: `batch ${i}`,
        },
        at: new Date(),
        door: 'rtm',
      });
      if (mapping.outcome !== 'changes') throw new Error('unexpected mapping');
      const [change] = mapping.changes;
      if (i === 17 && change.kind === 'message') change.record.raw = { note: 'refused \u0000' };
      return change;
    });
    const results = await Promise.all(
      changes.map((change, i) =>
        writer.write([change], {
          door: 'rtm',
          event: 'message:received',
          payload: () => JSON.stringify({ batch: i }),
        }),
      ),
    );
    expect(results.filter((result) => result === 'set-aside')).toHaveLength(1);
    expect(results[17]).toBe('set-aside');
    const stored: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM conversation_messages WHERE session_id = $1 AND content LIKE 'batch %'`,
      [session_id],
    );
    expect(Number(stored[0].n)).toBe(39);
    const kept = await dataSource.query<{ reason: string; detail: string; payload: string }[]>(
      `SELECT reason, detail, payload FROM set_aside_events WHERE payload = '{"batch":17}'`,
    );
    expect(kept.map(({ reason, payload }) => ({ reason, payload }))).toEqual([
      { reason: 'database_refused', payload: '{"batch":17}' },
    ]);
    expect(kept[0].detail).toMatch(/^22P05: /);
  });

  it('sets aside unknown events, malformed bodies and fields of another type, answering 200', async () => {
    const session_id = sessions()[2];
    expect(await statusOf(hook('session:set_future_thing', { session_id, x: 1 }))).toBe(200);
    expect(await statusOf(hook('session:set_block', { session_id, is_blocked: 'yes' }))).toBe(200);
    expect(await statusOf(hook('session:set_state', { state: 'resolved' }))).toBe(200);
    const body = JSON.stringify({ website_id: websiteId, event: 'session:set_state' });
    const now = String(Date.now());
    const malformed = await request(app.getHttpServer() as App)
      .post('/crisp/webhooks')
      .set('Content-Type', 'application/json')
      .set('X-Crisp-Request-Timestamp', now)
      .set('X-Crisp-Signature', signHook(SECRET, now, body))
      .send(body);
    expect(malformed.status).toBe(200);
    expect(await setAside(`reason = 'malformed_hook'`)).toEqual([
      { door: 'webhook', event: 'session:set_state', reason: 'malformed_hook', payload: body },
    ]);
    const kept = await setAside(
      `event IN ('session:set_future_thing', 'session:set_block', 'session:set_state') AND reason <> 'malformed_hook'`,
    );
    expect(kept.map((row) => [row.event, row.reason])).toEqual([
      ['session:set_future_thing', 'unknown_event'],
      ['session:set_block', 'invalid:is_blocked'],
      ['session:set_state', 'missing_ids'],
    ]);
    const metrics = await app.get(MetricsService).registry.metrics();
    expect(metrics).toContain(
      'crisp_events_set_aside_total{event="unknown",reason="unknown_event"} 1',
    );
    expect(metrics).toContain(
      'crisp_events_set_aside_total{event="session:set_block",reason="invalid:is_blocked"} 1',
    );
  });

  it('stores an empty inbox id as NULL, binds people, and tells picker answers from edits', async () => {
    const session_id = sessions()[0];
    await send(hook('session:set_inbox', { session_id, inbox_id: 'inbox-1' }));
    await send(hook('session:set_inbox', { session_id, inbox_id: '' }));
    await send(hook('people:bind:session', { session_id, people_id: 'people-42' }));
    const [conversation]: Record<string, unknown>[] = await dataSource.query(
      'SELECT inbox_id, people_id FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(conversation).toEqual({ inbox_id: null, people_id: 'people-42' });

    const picker = {
      id: 'p',
      text: 'Pick one',
      choices: [{ value: 'a', label: 'A', selected: false }],
    };
    const { message } = truth.addMessage(websiteId, session_id, { from: 'operator', type: 'text' });
    const fingerprint = message.fingerprint;
    await send(hook('message:updated', { session_id, fingerprint, content: picker }));
    const answered = { ...picker, choices: [{ value: 'a', label: 'A', selected: true }] };
    await send(hook('message:updated', { session_id, fingerprint, content: answered }));
    const [row]: Record<string, unknown>[] = await dataSource.query(
      'SELECT content, edited, translated FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, fingerprint],
    );
    // The first update (no selection) is an edit; the answer that follows does not unset it.
    expect(row).toMatchObject({ content: JSON.stringify(answered), edited: true });

    const plain = truth.addMessage(websiteId, session_id, { from: 'user', content: 'no flags' });
    expect(await statusOf(plain.events[0])).toBe(200);
    const [flags]: Record<string, unknown>[] = await dataSource.query(
      'SELECT edited, translated FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, plain.message.fingerprint],
    );
    expect(flags).toEqual({ edited: false, translated: false });

    const other = truth.addMessage(websiteId, session_id, { from: 'user', content: 'to answer' });
    await send(other.events[0]);
    await send(
      hook('message:updated', {
        session_id,
        fingerprint: other.message.fingerprint,
        content: answered,
      }),
    );
    const [unedited]: Record<string, unknown>[] = await dataSource.query(
      'SELECT edited FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2',
      [session_id, other.message.fingerprint],
    );
    expect(unedited).toEqual({ edited: false });
  });

  it('stores what the simulator sends with its payload quirks on, answering every hook 200', async () => {
    const session_id = sessions()[1];
    Object.assign(simulator.quirks, {
      omitOptionalKeys: true,
      receiptsWithoutFingerprints: true,
      emptyInboxIds: true,
      unknownEvents: true,
    });
    try {
      const before = simulator.webhooks!.deliveries.length;
      const { message } = simulator.mutate((t) =>
        t.addMessage(websiteId, session_id, { from: 'user', content: 'quirky' }),
      );
      simulator.mutate((t) => t.ackRead(websiteId, session_id, { reader: 'operator' }));
      simulator.mutate((t) => t.setInbox(websiteId, session_id, 'inbox-support'));
      simulator.mutate((t) => t.setBlock(websiteId, session_id, false));
      await simulator.webhooks!.idle();
      const deliveries = simulator.webhooks!.deliveries.slice(before);
      expect(deliveries.length).toBeGreaterThanOrEqual(8);
      expect(deliveries.map((d) => d.attempts[0].status).filter((s) => s !== 200)).toEqual([]);
      const [row]: Record<string, unknown>[] = await dataSource.query(
        `SELECT m.content, m.edited, m.translated, c.inbox_id, c.is_blocked
         FROM conversation_messages m JOIN conversations c USING (session_id)
         WHERE m.session_id = $1 AND m.fingerprint = $2`,
        [session_id, message.fingerprint],
      );
      expect(row).toEqual({
        content: 'quirky',
        edited: false,
        translated: false,
        inbox_id: null,
        is_blocked: false,
      });
      const unknown = await setAside(`event = $1 AND payload LIKE $2`, [
        UNKNOWN_EVENT_NAME,
        `%${session_id}%`,
      ]);
      expect(unknown.length).toBeGreaterThanOrEqual(4);
      expect(new Set(unknown.map((r) => r.reason))).toEqual(new Set(['unknown_event']));
    } finally {
      for (const key of Object.keys(simulator.quirks)) delete simulator.quirks[key as 'nulBytes'];
    }
  });

  it('reports the writer not ready while changes wait without a commit, and ready after', async () => {
    const ready = () => request(app.getHttpServer() as App).get('/health/ready');
    expect((await ready()).status).toBe(200);
    const locker = new Client(toPgClientConfig(database.connection));
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE');
      const session_id = sessions()[0];
      const waiting = send(hook('session:set_subject', { session_id, subject: 'held' }));
      await eventually(async () => {
        const response = await ready();
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ data: { error: { writer: { status: 'down' } } } });
      }, 10_000);
      await locker.query('ROLLBACK');
      expect((await waiting).attempts[0].status).toBe(200);
    } finally {
      await locker.end();
    }
    await eventually(async () => expect((await ready()).status).toBe(200), 10_000);
  });
});
