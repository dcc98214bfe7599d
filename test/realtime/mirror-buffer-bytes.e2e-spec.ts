/**
 * The mirror writer's buffer is bounded in bytes as well as in changes: a few large events fill
 * memory long before MIRROR_BUFFER_LIMIT changes do. Past MIRROR_BUFFER_BYTES, Web Hooks are
 * answered 503 (Crisp delivers them again) and RTM events are refused (the reconciler catches up).
 */
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { toPgClientConfig } from '../../src/database/database-connection';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import { MirrorWriterService } from '../../src/realtime/mirror-writer.service';
import { eventually } from '../support/crisp-test-setup';
import { startHookDoor, type HookDoor } from '../support/hook-door';
import { parsePrometheusText, samplesOf } from '../metrics/prometheus-text';

jest.setTimeout(90_000);

const BUFFER_BYTES = 64 * 1024;
/** Each hook's body is a little over this: about eight fill the buffer. */
const CONTENT_CHARS = 8_000;
const HOOKS = 16;

describe('mirror buffer: bounded in bytes as well as in changes', () => {
  let door: HookDoor;
  beforeAll(async () => {
    door = await startHookDoor(52, { MIRROR_BUFFER_BYTES: String(BUFFER_BYTES) });
  });
  afterAll(() => door?.close());

  const bufferBytesMetric = async () => {
    const response = await request(door.app.getHttpServer() as App)
      .get('/metrics')
      .expect(200);
    return samplesOf(parsePrometheusText(response.text), 'mirror_buffer_bytes')[0]?.value;
  };

  it('answers 503 past MIRROR_BUFFER_BYTES while the database holds the writes, and stores what it took', async () => {
    const writer = door.app.get(MirrorWriterService);
    const session_id = door.sessions()[0];
    const locker = new Client(toPgClientConfig(door.database.connection));
    await locker.connect();
    let deliveries: Promise<{ attempts: { status: number | null }[] }>[] = [];
    const contents: string[] = [];
    try {
      // The writer's transactions wait on this lock: changes pile up in memory, as in an outage.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE');
      deliveries = Array.from({ length: HOOKS }, (_, i) => {
        const content = `large ${i} ${'x'.repeat(CONTENT_CHARS)}`;
        contents.push(content);
        const [event] = door.truth.addMessage(door.websiteId, session_id, {
          from: 'user',
          content,
        }).events;
        return door.send(event);
      });
      // Far fewer than MIRROR_BUFFER_LIMIT (100,000) changes wait: only the bytes bound them.
      const refused = await eventually(async () => {
        const settled = await Promise.all(
          deliveries.map((delivery) =>
            Promise.race([delivery, new Promise<null>((resolve) => setTimeout(resolve, 50, null))]),
          ),
        );
        const answered = settled.filter((delivery) => delivery !== null);
        expect(answered.length).toBeGreaterThanOrEqual(HOOKS - BUFFER_BYTES / CONTENT_CHARS);
        return answered;
      }, 15_000);
      expect(refused.map((delivery) => delivery.attempts[0].status)).toEqual(
        refused.map(() => 503),
      );
      expect(writer.depth).toBeLessThan(HOOKS);
      expect(writer.bytes).toBeGreaterThan(BUFFER_BYTES - CONTENT_CHARS * 2);
      expect(writer.bytes).toBeLessThanOrEqual(BUFFER_BYTES);
      expect(await bufferBytesMetric()).toBe(writer.bytes);

      // The RTM door meets the same bound: refused, left to the reconciler.
      const [rtmEvent] = door.truth.addMessage(door.websiteId, session_id, {
        from: 'operator',
        content: 'x'.repeat(CONTENT_CHARS),
      }).events;
      await expect(
        door.app.get(CrispEventIngestService).ingest({
          name: rtmEvent.event,
          payload: rtmEvent.data,
          at: new Date(),
          door: 'rtm',
        }),
      ).rejects.toThrow('mirror buffer full');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }

    const statuses = (await Promise.all(deliveries)).map((delivery) => delivery.attempts[0].status);
    const accepted = contents.filter((_, i) => statuses[i] === 200);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(BUFFER_BYTES / CONTENT_CHARS);
    const stored: { content: string }[] = await door.dataSource.query(
      `SELECT content FROM conversation_messages WHERE session_id = $1 AND content LIKE 'large %'`,
      [session_id],
    );
    expect(stored.map((row) => row.content).sort()).toEqual([...accepted].sort());
    await eventually(() => expect(writer.bytes).toBe(0));

    // Drained, the buffer takes events again: Crisp's next delivery of a refused hook is stored.
    const [again] = door.truth.addMessage(door.websiteId, session_id, {
      from: 'user',
      content: `large again ${'x'.repeat(CONTENT_CHARS)}`,
    }).events;
    expect(await door.statusOf(again)).toBe(200);
  });
});
