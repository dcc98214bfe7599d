/**
 * The service keeps the BI rollups current (BiRollupsRefreshService): what is written, by any
 * door or by hand, is refreshed within BI_ROLLUP_REFRESH_MS, and `/metrics` shows the queue.
 */
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { toPgClientConfig } from '../../src/database/database-connection';
import { eventually } from '../support/crisp-test-setup';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { parsePrometheusText, samplesOf, valueOf } from '../metrics/prometheus-text';

describe('the BI rollups refresh', () => {
  let database: TestDatabase;
  let client: Client;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client(toPgClientConfig(database.connection));
    await client.connect();
  });

  afterAll(async () => {
    await app?.close();
    await client.end();
    await database.drop();
  });

  const queued = async () =>
    (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_queue')).rows[0].n;

  it('refreshes what is written, and shows the queue on /metrics', async () => {
    app = await createTestApp(database.connection, testConfig({ BI_ROLLUP_REFRESH_MS: '20' }));
    await client.query(
      `INSERT INTO conversations (session_id, website_id, state, created_at_crisp, updated_at_crisp,
         observed_at, sync_source)
       VALUES ('session_refreshed', 'w1', 'resolved', now() - interval '1 hour', now(), now(), 'rtm')`,
    );
    await eventually(async () => expect(await queued()).toBe(0), 10_000);
    const { rows } = await client.query<{ state: string; created_day: Date }>(
      `SELECT state, created_day FROM rollup_conversation_facts WHERE session_id = 'session_refreshed'`,
    );
    expect(rows).toEqual([{ state: 'resolved', created_day: expect.any(Date) as Date }]);

    const server = app.getHttpServer() as App;
    const samples = parsePrometheusText((await request(server).get('/metrics').expect(200)).text);
    expect(samplesOf(samples, 'bi_rollup_queue_depth').map((sample) => sample.value)).toEqual([0]);
    expect(valueOf(samples, 'bi_rollup_conversations_refreshed_total')).toBeGreaterThanOrEqual(1);
  });

  it('leaves the queue alone when BI_ROLLUP_REFRESH_MS is 0: the daily views keep their figures', async () => {
    await app?.close();
    app = await createTestApp(database.connection, testConfig({ BI_ROLLUP_REFRESH_MS: '0' }));
    await client.query(
      `UPDATE conversations SET state = 'unresolved' WHERE session_id = 'session_refreshed'`,
    );
    const resolved = async () =>
      (
        await client.query<{ resolved: string }>(
          `SELECT resolved_conversations AS resolved FROM bi_daily_volume WHERE website_id = 'w1'`,
        )
      ).rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await queued()).toBeGreaterThan(0);
    expect(await resolved()).toEqual([{ resolved: '1' }]);
    await client.query('SELECT bi_refresh_rollups(10)');
    expect(await resolved()).toEqual([{ resolved: '0' }]);
  });
});
