import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { createAppOnSimulator } from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(120_000);

/** PostgreSQL refuses both: a NUL in text or jsonb, and a lone surrogate escaped in jsonb. */
const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

interface SetAsideRow {
  door: string;
  event: string;
  reason: string;
  payload: string;
}

/**
 * Issue 11 item 4 at the REST doors: a conversation or message a visitor made unstorable is set
 * aside whole, and the backfill and the catch-up go on with every other row, instead of failing
 * the job or the catch-up run for good.
 */
describe('REST doors: rows PostgreSQL refuses are set aside, the rest stored', () => {
  const truth = new GroundTruth({ seed: 61 });
  const websiteId = truth.addWebsite().website_id;
  for (let i = 0; i < 30; i += 1) {
    truth.addSyntheticConversation(websiteId, {
      messageCount: 3 + ((i * 7) % 50),
      createdAt: Date.now() - 2 * 86_400_000 + i * 60_000,
      rng: truth.rng,
    });
  }
  const sessions = [...truth.getWebsite(websiteId)!.conversations.keys()];
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;

  const setAside = (door: string): Promise<SetAsideRow[]> =>
    dataSource.query(
      `SELECT door, event, reason, payload FROM set_aside_events WHERE door = $1 ORDER BY id`,
      [door],
    );
  const storedMessages = async () => {
    const [{ n }] = await dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM conversation_messages WHERE website_id = $1`,
      [websiteId],
    );
    return Number(n);
  };

  beforeAll(async () => {
    simulator = new CrispSimulator({ seed: 61, truth, rest: { messageBatchSize: 20 } });
    await simulator.start();
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_LOOKBACK_MS: String(3 * 86_400_000),
    });
    dataSource = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  it('completes a backfill, setting aside the refused conversations and message', async () => {
    truth.setMeta(websiteId, sessions[3], 'nickname', `Ann${NUL}`);
    truth.setMeta(websiteId, sessions[4], 'subject', `Order ${LONE_SURROGATE}`);
    const { message } = truth.addMessage(websiteId, sessions[5], {
      from: 'user',
      content: `hello${NUL}world`,
    });
    const backfill = app.get(BackfillService);
    const { status } = await backfill.startOrJoin(websiteId);
    const job = await backfill.waitUntilSettled(status.id, 50);

    expect(job.status).toBe('completed');
    expect(await storedMessages()).toBe(truth.messageCount() - 1);
    const rows = await setAside('backfill');
    const kinds = rows.map(({ event, reason }) => `${event} ${reason}`);
    expect(kinds.filter((kind) => kind === 'rest:message database_refused')).toHaveLength(1);
    const kept = rows.find((row) => row.event === 'rest:message')!;
    expect(JSON.parse(kept.payload)).toMatchObject({
      session_id: sessions[5],
      fingerprint: message.fingerprint,
      content: `hello${NUL}world`,
    });
    // The NUL message is also the conversation's last message, which its snapshot carries.
    const refusedConversations = rows
      .filter((row) => row.event === 'rest:conversation')
      .map((row) => (JSON.parse(row.payload) as { session_id: string }).session_id);
    expect(refusedConversations.sort()).toEqual([sessions[3], sessions[4], sessions[5]].sort());
    expect(kinds).toHaveLength(4);
    // Kept as placeholders, so that their messages were read all the same.
    const placeholders: unknown[] = await dataSource.query(
      `SELECT 1 FROM conversations WHERE session_id = ANY($1) AND sync_source = 'backfill'`,
      [refusedConversations],
    );
    expect(placeholders).toHaveLength(3);
    const metrics = await app.get(MetricsService).registry.metrics();
    expect(metrics).toContain(
      'crisp_events_set_aside_total{event="rest:message",reason="database_refused"} 1',
    );
  });

  it('completes a catch-up run, setting aside a refused message and storing the others', async () => {
    const before = await storedMessages();
    const { message: refused } = truth.addMessage(websiteId, sessions[8], {
      from: 'user',
      content: `bad${NUL}`,
    });
    truth.addMessage(websiteId, sessions[9], { from: 'user', content: 'fine' });

    const outcome = await app.get(ReconcilerService).reconcile('test');

    // A failed run answers zero websites and keeps its watermark.
    expect(outcome.websites).toBe(1);
    expect(await storedMessages()).toBe(before + 1);
    const rows = await setAside('reconcile');
    expect(
      rows.some(
        (row) =>
          row.event === 'rest:message' &&
          (JSON.parse(row.payload) as { fingerprint: number }).fingerprint === refused.fingerprint,
      ),
    ).toBe(true);
  });
});
