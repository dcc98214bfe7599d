import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ConversationsRepository } from '../../src/conversations/conversations.repository';
import { toPgClientConfig } from '../../src/database/database-connection';
import { conversationRecord, messageRecord } from '../support/records';
import { openDataLayer } from '../support/data-layer';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const WEBSITE = '33333333-3333-4333-8333-333333333333';
const SESSION = 'session_00000000-0000-4000-8000-000000000077';
const TIMEOUT_MS = 1_500;

describe('read API isolation: its own pool, a statement_timeout, a bounded OFFSET', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let locker: Client;
  const http = () => request(app.getHttpServer() as App);

  beforeAll(async () => {
    database = await createTestDatabase();
    const layer = await openDataLayer(database.connection);
    await layer.conversations.upsert([
      conversationRecord({ session_id: SESSION, website_id: WEBSITE }),
    ]);
    await layer.messages.upsert(
      Array.from({ length: 30 }, (_, i) =>
        messageRecord({ session_id: SESSION, website_id: WEBSITE, fingerprint: 500 + i }),
      ),
    );
    await layer.dataSource.destroy();
    app = await createTestApp(
      database.connection,
      testConfig({
        DB_POOL_SIZE: '2',
        DB_READ_POOL_SIZE: '2',
        READ_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS),
        READ_MAX_OFFSET: '20',
      }),
    );
    locker = new Client(toPgClientConfig(database.connection));
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await app?.close();
    await database?.drop();
  });

  it('cuts a read at the timeout with a 503, while the writers’ pool stays free', async () => {
    // A migration or a vacuum full holding the table: every read of it waits.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE conversation_messages IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const reads = Promise.all(
        Array.from({ length: 6 }, () => http().get(`/crisp-db/messages/${SESSION}?limit=5`)),
      );
      // Six readers on a pool of two: none of them takes a writer's connection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const writeStarted = Date.now();
      await app
        .get(ConversationsRepository)
        .upsert([
          conversationRecord({ session_id: 'session_written_meanwhile', website_id: WEBSITE }),
        ]);
      const ready = await http().get('/health/ready');
      const writeMs = Date.now() - writeStarted;
      expect(ready.status).toBe(200);
      expect(writeMs).toBeLessThan(TIMEOUT_MS);

      const answers = await reads;
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(503));
      expect((answers[0].body as { message: string }).message).toMatch(/READ_STATEMENT_TIMEOUT_MS/);
      // Three rounds of two cut at the timeout: not one long wait.
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3 + 5_000);
    } finally {
      await locker.query('ROLLBACK');
    }
    expect((await http().get(`/crisp-db/messages/${SESSION}?limit=5`)).status).toBe(200);
  });

  it('serves pages by number down to READ_MAX_OFFSET rows, and points past it to cursor', async () => {
    const deepest = await http().get(`/crisp-db/messages/${SESSION}?limit=10&page=3`);
    expect(deepest.status).toBe(200);
    expect(deepest.body).toMatchObject({ pagination: { total: 30, page: 3 } });
    const tooDeep = await http().get(`/crisp-db/messages/${SESSION}?limit=10&page=4`);
    expect(tooDeep.status).toBe(400);
    expect((tooDeep.body as { message: string }).message).toMatch(/^page: .*20 rows.*cursor/);
    const byCursor = await http().get(`/crisp-db/conversations?limit=1&page=100`);
    expect(byCursor.status).toBe(400);
  });
});
