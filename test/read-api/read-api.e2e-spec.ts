import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { DataSource } from 'typeorm';
import { openDataLayer } from '../support/data-layer';
import { conversationRecord, messageRecord } from '../support/records';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

interface Envelope {
  code: number;
  message: string;
  data: Record<string, unknown>[];
  pagination: {
    total: number;
    page: number | null;
    pageParRecord: number;
    nextCursor: string | null;
  };
}

const WEBSITE_A = '11111111-1111-4111-8111-111111111111';
const WEBSITE_B = '22222222-2222-4222-8222-222222222222';
/** A cursor this API never returned, with the values an attacker chooses. */
const forged = (position: Record<string, string>) =>
  Buffer.from(JSON.stringify(position)).toString('base64url');
const sessionId = (i: number) => `session_00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('read API: /crisp-db', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    const layer = await openDataLayer(database.connection);
    dataSource = layer.dataSource;
    await layer.conversations.upsert(
      Array.from({ length: 25 }, (_, i) =>
        conversationRecord({
          session_id: sessionId(i),
          website_id: i < 15 ? WEBSITE_A : WEBSITE_B,
        }),
      ),
    );
    await layer.messages.upsert(
      Array.from({ length: 45 }, (_, i) =>
        messageRecord({ session_id: sessionId(0), website_id: WEBSITE_A, fingerprint: 100 + i }),
      ),
    );
    await dataSource.query(`UPDATE conversations SET deleted_at = now() WHERE session_id = $1`, [
      sessionId(24),
    ]);
    await dataSource.query(
      `UPDATE conversation_messages SET deleted_at = now() WHERE session_id = $1 AND fingerprint = 144`,
      [sessionId(0)],
    );
    app = await createTestApp(database.connection);
  });

  afterAll(async () => {
    await app.close();
    await dataSource.destroy();
    await database.drop();
  });

  const get = async (path: string) => {
    const response = await request(app.getHttpServer() as App).get(path);
    return { status: response.status, body: response.body as Envelope };
  };

  it('lists conversations in the seed envelope, default limit 10, soft-deleted rows hidden', async () => {
    const { status, body } = await get('/crisp-db/conversations');
    expect(status).toBe(200);
    expect(body.code).toBe(200);
    expect(body.message).toBe('Conversations retrieved from database successfully');
    expect(body.data).toHaveLength(10);
    expect(body.pagination).toMatchObject({ total: 24, page: 1, pageParRecord: 10 });
    expect(typeof body.data[0].sessionId).toBe('string');
    expect(typeof body.data[0].websiteId).toBe('string');
    expect(body.data[0]).not.toHaveProperty('raw');
    expect(body.data.map((row) => row.sessionId)).not.toContain(sessionId(24));
  });

  it('filters by websiteId and pages through every row exactly once', async () => {
    const seen: unknown[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const { body } = await get(
        `/crisp-db/conversations?websiteId=${WEBSITE_B}&limit=4&page=${page}`,
      );
      expect(body.pagination).toMatchObject({ total: 9, page, pageParRecord: 4 });
      seen.push(...body.data.map((row) => row.sessionId));
    }
    expect(new Set(seen).size).toBe(9);
  });

  it('pages by keyset cursor to the same rows as by page number', async () => {
    const byPage: unknown[] = [];
    for (let page = 1; page <= 5; page += 1) {
      byPage.push(
        ...(await get(`/crisp-db/conversations?limit=5&page=${page}`)).body.data.map(
          (r) => r.sessionId,
        ),
      );
    }
    const byCursor: unknown[] = [];
    let path = '/crisp-db/conversations?limit=5';
    for (;;) {
      const { body } = await get(path);
      byCursor.push(...body.data.map((row) => row.sessionId));
      if (!body.pagination.nextCursor) break;
      expect(body.pagination.page).toBe(byCursor.length === 5 ? 1 : null);
      path = `/crisp-db/conversations?limit=5&cursor=${body.pagination.nextCursor}`;
    }
    expect(byCursor).toEqual(byPage);
    expect(byCursor).toHaveLength(24);
  });

  it('lists a conversation’s messages oldest first, hiding deleted ones, by page and by cursor', async () => {
    const first = await get(`/crisp-db/messages/${sessionId(0)}?limit=40`);
    expect(first.body.message).toBe('Messages retrieved from database successfully');
    expect(first.body.pagination).toMatchObject({ total: 44, page: 1, pageParRecord: 40 });
    const fingerprints = first.body.data.map((row) => Number(row.fingerprint));
    expect(fingerprints).toEqual([...fingerprints].sort((a, b) => a - b));
    const rest = await get(
      `/crisp-db/messages/${sessionId(0)}?limit=40&cursor=${first.body.pagination.nextCursor}`,
    );
    expect(rest.body.data.map((row) => Number(row.fingerprint))).toEqual([140, 141, 142, 143]);
    expect(rest.body.pagination.nextCursor).toBeNull();
  });

  it('answers an unknown conversation with an empty page', async () => {
    const { status, body } = await get(`/crisp-db/messages/${sessionId(999)}`);
    expect(status).toBe(200);
    expect(body.data).toEqual([]);
    expect(body.pagination.total).toBe(0);
  });

  it('answers an unknown route with 404 in the same envelope', async () => {
    const { status, body } = await get('/crisp-db/nothing-here');
    expect(status).toBe(404);
    expect(body).toEqual({
      code: 404,
      message: 'Cannot GET /crisp-db/nothing-here',
      data: null,
      requestId: expect.any(String) as string,
    });
  });

  const malformed: [string, RegExp][] = [
    ['/crisp-db/conversations?page=0', /page/],
    ['/crisp-db/conversations?page=-1', /page/],
    ['/crisp-db/conversations?page=abc', /page/],
    ['/crisp-db/conversations?page=1.5', /page/],
    ['/crisp-db/conversations?page=', /page/],
    ['/crisp-db/conversations?page=1e3', /page/],
    ['/crisp-db/conversations?page=0x10', /page/],
    ['/crisp-db/conversations?page=99999999999999999999', /page/],
    ['/crisp-db/conversations?page=1&page=2', /page/],
    ['/crisp-db/conversations?page[a]=1', /page/],
    ['/crisp-db/conversations?page=%00', /page/],
    ['/crisp-db/conversations?page=NaN', /page/],
    ['/crisp-db/conversations?page=Infinity', /page/],
    ['/crisp-db/conversations?page=2000000', /page/],
    ['/crisp-db/conversations?limit=0', /limit/],
    ['/crisp-db/conversations?limit=101', /limit/],
    ['/crisp-db/conversations?limit=-5', /limit/],
    ['/crisp-db/conversations?limit=ten', /limit/],
    ['/crisp-db/conversations?limit=10.0', /limit/],
    ['/crisp-db/conversations?limit=', /limit/],
    ['/crisp-db/conversations?limit=1&limit=2', /limit/],
    ['/crisp-db/conversations?limit[]=3', /limit/],
    ['/crisp-db/conversations?websiteId=not%20a%20uuid', /websiteId/],
    ['/crisp-db/conversations?websiteId=%27%3B%20DROP%20TABLE%20conversations%3B--', /websiteId/],
    ['/crisp-db/conversations?websiteId=a&websiteId=b', /websiteId/],
    ['/crisp-db/conversations?websiteId=' + 'a'.repeat(500), /websiteId/],
    ['/crisp-db/conversations?websiteId[x]=1', /websiteId/],
    ['/crisp-db/conversations?cursor=%%%', /cursor/],
    ['/crisp-db/conversations?cursor=bm90IGpzb24', /cursor/],
    ['/crisp-db/conversations?cursor=eyJpZCI6IngifQ', /cursor/],
    ['/crisp-db/conversations?cursor=eyJ0aW1lc3RhbXAiOjF9', /cursor/],
    ['/crisp-db/conversations?cursor=' + 'A'.repeat(300), /cursor/],
    ['/crisp-db/conversations?cursor=eyJpZCI6IjEifQ&page=2', /page and cursor/],
    ['/crisp-db/conversations?unknown=1', /unknown/],
    ['/crisp-db/conversations?limit=%20', /limit/],
    ['/crisp-db/conversations?constructor[prototype][x]=1', /constructor|should not exist/],
    ['/crisp-db/messages/not-a-session', /sessionId/],
    ['/crisp-db/messages/session_%27%20OR%201%3D1', /sessionId/],
    ['/crisp-db/messages/session_' + 'a'.repeat(300), /sessionId/],
    ['/crisp-db/messages/%E0%A4%A', /./],
    [`/crisp-db/messages/${sessionId(0)}?page=0`, /page/],
    [`/crisp-db/messages/${sessionId(0)}?limit=1000`, /limit/],
    [`/crisp-db/messages/${sessionId(0)}?cursor=eyJpZCI6IjEifQ`, /cursor/],
    [
      `/crisp-db/messages/${sessionId(0)}?cursor=eyJ0aW1lc3RhbXAiOiJub3QgYSBkYXRlIiwiZmluZ2VycHJpbnQiOiIxIn0`,
      /cursor/,
    ],
    [`/crisp-db/messages/${sessionId(0)}?websiteId=${WEBSITE_A}`, /websiteId/],
    // Forged cursors whose values PostgreSQL would refuse: out of bigint range, or not a time.
    [`/crisp-db/conversations?cursor=${forged({ id: '9999999999999999999' })}`, /cursor/],
    [
      `/crisp-db/messages/${sessionId(0)}?cursor=${forged({ timestamp: '1', fingerprint: '1' })}`,
      /cursor/,
    ],
    [
      `/crisp-db/messages/${sessionId(0)}?cursor=${forged({
        timestamp: '2026-01-01T00:00:00.000Z',
        fingerprint: '9223372036854775808',
      })}`,
      /cursor/,
    ],
  ];

  it('follows a cursor at the largest id and time a cursor may hold', async () => {
    const farthest = forged({ id: '9223372036854775807' });
    const { status, body } = await get(`/crisp-db/conversations?limit=1&cursor=${farthest}`);
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
  });

  it(`rejects ${malformed.length} malformed requests with a 400 naming the parameter, never a 500`, async () => {
    const failures: string[] = [];
    for (const [path, named] of malformed) {
      const { status, body } = await get(path);
      if (status !== 400 || body.code !== 400 || !named.test(body.message)) {
        failures.push(`${path} → ${status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers malformed bodies and methods with 4xx, never a 500', async () => {
    const server = request(app.getHttpServer() as App);
    const responses = await Promise.all([
      server
        .post('/crisp-db/conversations')
        .set('Content-Type', 'application/json')
        .send('{"broken'),
      server.delete('/crisp-db/conversations'),
      server.put(`/crisp-db/messages/${sessionId(0)}`).send({ a: 1 }),
      server.get('/crisp-db/conversations/extra/segments'),
    ]);
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const body = response.body as { code: number; message: unknown };
      expect(body.code).toBe(response.status);
      expect(typeof body.message).toBe('string');
    }
  });
});
