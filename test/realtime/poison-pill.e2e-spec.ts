/**
 * Issue 11 item 4: no payload is a poison pill, and readiness tells when nothing reaches the
 * database. Signed hooks come from the simulator's sender.
 */
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { toPgClientConfig } from '../../src/database/database-connection';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import { mapCrispEvent, type MirrorChange } from '../../src/realtime/crisp-event.mapper';
import { MirrorWriterService } from '../../src/realtime/mirror-writer.service';
import { eventually } from '../support/crisp-test-setup';
import { startHookDoor, type HookDoor } from '../support/hook-door';
jest.setTimeout(90_000);

const SEED = 48;
const VARIABLES = { MIRROR_STALL_MS: '1500' };

describe('no poison pill: a change PostgreSQL refuses is set aside, the rest commit', () => {
  let door: HookDoor;
  beforeAll(async () => {
    door = await startHookDoor(SEED, VARIABLES);
  });
  afterAll(() => door.close());

  it('sets aside a NUL byte, and stores the 100 hooks after it within 5 s each, no 5xx', async () => {
    const session_id = door.sessions()[1];
    const [poison] = door.truth.addMessage(door.websiteId, session_id, {
      from: 'user',
      content: 'before\u0000after',
    }).events;
    const ordinary = Array.from(
      { length: 100 },
      (_, i) =>
        door.truth.addMessage(door.websiteId, session_id, {
          from: 'user',
          content: `ordinary ${i}`,
        }).events[0],
    );
    const first = door.send(poison);
    const deliveries = await Promise.all([first, ...ordinary.map(door.send)]);
    const statuses = deliveries.map((delivery) => delivery.attempts[0].status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const slowest = Math.max(...deliveries.slice(1).map((d) => d.attempts[0].durationMs));
    expect(slowest).toBeLessThan(5_000);
    const stored: { n: string }[] = await door.dataSource.query(
      `SELECT count(*) AS n FROM conversation_messages WHERE session_id = $1 AND content LIKE 'ordinary %'`,
      [session_id],
    );
    expect(Number(stored[0].n)).toBe(100);
    const kept = await door.setAside(`reason = 'nul_byte' AND payload LIKE '%before%'`);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ door: 'webhook', event: 'message:send' });
    // Kept whole: the body as Crisp sent it, NUL escape included.
    expect(JSON.parse(kept[0].payload)).toMatchObject({ data: { content: 'before\u0000after' } });
    // The RTM door sets aside the same way, and is not wedged either.
    const ingest = door.app.get(CrispEventIngestService);
    const viaRtm = await ingest.ingest({
      name: 'session:set_nickname',
      payload: { website_id: door.websiteId, session_id, nickname: 'Zo\u0000é' },
      at: new Date(),
      door: 'rtm',
    });
    expect(viaRtm).toBe('set-aside');
    expect(await door.setAside(`door = 'rtm' AND event = 'session:set_nickname'`)).toEqual([
      expect.objectContaining({ reason: 'nul_byte' }),
    ]);
    await ingest.ingest({
      name: 'session:set_subject',
      payload: { website_id: door.websiteId, session_id, subject: 'after the poison' },
      at: new Date(),
      door: 'rtm',
    });
    const subject: unknown[] = await door.dataSource.query(
      'SELECT meta_subject FROM conversations WHERE session_id = $1',
      [session_id],
    );
    expect(subject).toEqual([{ meta_subject: 'after the poison' }]);
  });

  it('splits a batch PostgreSQL refuses until the refused change is alone: it is set aside, the rest commit', async () => {
    const writer = door.app.get(MirrorWriterService);
    const session_id = door.sessions()[2];
    const base = Date.now();
    // Past the door's own NUL check, as a refusal the door cannot foresee would be.
    const changes = Array.from({ length: 40 }, (_, i): MirrorChange => {
      const mapping = mapCrispEvent({
        name: 'message:received',
        payload: {
          website_id: door.websiteId,
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
    const stored: { n: string }[] = await door.dataSource.query(
      `SELECT count(*) AS n FROM conversation_messages WHERE session_id = $1 AND content LIKE 'batch %'`,
      [session_id],
    );
    expect(Number(stored[0].n)).toBe(39);
    const kept = await door.dataSource.query<{ reason: string; detail: string; payload: string }[]>(
      `SELECT reason, detail, payload FROM set_aside_events WHERE payload = '{"batch":17}'`,
    );
    expect(kept.map(({ reason, payload }) => ({ reason, payload }))).toEqual([
      { reason: 'database_refused', payload: '{"batch":17}' },
    ]);
    expect(kept[0].detail).toMatch(/^22P05: /);
  });

  it('reports the writer not ready while changes wait without a commit, and ready after', async () => {
    const ready = () => request(door.app.getHttpServer() as App).get('/health/ready');
    expect((await ready()).status).toBe(200);
    const locker = new Client(toPgClientConfig(door.database.connection));
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE');
      const session_id = door.sessions()[0];
      const waiting = door.send(door.hook('session:set_subject', { session_id, subject: 'held' }));
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
