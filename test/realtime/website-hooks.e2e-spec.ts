import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { createRootLogger } from '../../src/logging/root-logger';
import type { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { captureLines } from '../support/log-capture';
import { startSimulatedWebsite } from '../support/simulated-website';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(60_000);

const KEY = 'website-hook-key-0123456789abcdef-XYZ';
/** The key being rotated in: both are accepted until the old one is removed. */
const NEXT_KEY = 'website-hook-next-key-0123456789abcdef';
const TOKEN = 'website-hooks-admin-token-0123456789';
const ROUTE = '/crisp/webhooks/website';

describe('Website Hooks: unsigned, authenticated by the key in their URL', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  const output = captureLines();
  const http = () => request(app.getHttpServer() as App);
  const answers: string[] = [];

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(71, 3, () => 2));
    database = await createTestDatabase();
    const variables = {
      CRISP_WEBSITE_HOOK_KEY: `${KEY},${NEXT_KEY}`,
      CRISP_WEBSITE_IDS: websiteId,
      API_TOKEN: TOKEN,
      LOG_FORMAT: 'json',
    };
    const logger = createRootLogger(testConfig(variables).logging, output.stream);
    app = await createAppOnSimulator(database.connection, simulator.restUrl, variables, logger);
    await app.listen(0, '127.0.0.1');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
    await simulator.stop();
    await database.drop();
  });

  const hookBody = (sessionId: string, state: string) =>
    JSON.stringify({
      website_id: websiteId,
      event: 'session:set_state',
      data: { website_id: websiteId, session_id: sessionId, state },
      timestamp: Date.now(),
    });
  const post = async (path: string, body: string) => {
    const response = await http().post(path).set('Content-Type', 'application/json').send(body);
    answers.push(response.text);
    return response;
  };
  const stateOf = async (sessionId: string) => {
    const rows = await dataSource.query<{ state: string }[]>(
      'SELECT state FROM conversations WHERE session_id = $1',
      [sessionId],
    );
    return rows[0]?.state;
  };

  it('stores what the simulator sends as Website Hooks, down the same line as RTM', async () => {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    simulator.configureWebhook({
      url: `http://127.0.0.1:${port}${ROUTE}?key=${KEY}`,
      kind: 'website',
    });
    const sessionId = truth.queryConversations(websiteId)[0].session_id;
    simulator.mutate((t) => t.addMessage(websiteId, sessionId, { from: 'user', content: 'keyed' }));
    simulator.mutate((t) => t.setState(websiteId, sessionId, 'resolved'));
    await eventually(async () => {
      const rows = await dataSource.query<{ sync_source: string }[]>(
        'SELECT sync_source FROM conversation_messages WHERE content = $1',
        ['keyed'],
      );
      expect(rows).toEqual([{ sync_source: 'webhook' }]);
      expect(await stateOf(sessionId)).toBe('resolved');
    });
    await simulator.webhooks!.idle();
    expect(simulator.webhooks!.deliveries.every((d) => d.delivered)).toBe(true);
    simulator.configureWebhook(null);
  });

  it('refuses a missing, wrong, repeated or differently cased key with 401 and stores nothing', async () => {
    const sessionId = truth.queryConversations(websiteId)[1].session_id;
    const before = await stateOf(sessionId);
    const body = hookBody(sessionId, 'pending');
    const refused = await Promise.all(
      [
        ROUTE,
        `${ROUTE}?key=`,
        `${ROUTE}?key=${KEY.slice(0, -1)}`,
        `${ROUTE}?key=${KEY}x`,
        `${ROUTE}?key=${KEY.toUpperCase()}`,
        `${ROUTE}?key=${KEY}&key=${KEY}`,
        `${ROUTE}?Key=${KEY}`,
        `${ROUTE}?key=${KEY},${NEXT_KEY}`,
      ].map((path) => post(path, body)),
    );
    expect(refused.map((response) => response.status)).toEqual(Array(8).fill(401));
    expect(await stateOf(sessionId)).toBe(before);
    expect((await post(`${ROUTE}?key=${KEY}`, body)).status).toBe(200);
    await eventually(async () => expect(await stateOf(sessionId)).toBe('pending'));
  });

  it('accepts each of several keys, so that one can be rotated without downtime', async () => {
    const sessionId = truth.queryConversations(websiteId)[2].session_id;
    const state = (await stateOf(sessionId)) === 'resolved' ? 'pending' : 'resolved';
    const answer = await post(`${ROUTE}?key=${NEXT_KEY}`, hookBody(sessionId, state));
    expect(answer.status).toBe(200);
    await eventually(async () => expect(await stateOf(sessionId)).toBe(state));
  });

  it('never writes the key to a log line, a metric or an error body', async () => {
    await post(`/crisp/webhooks/websites?key=${KEY}`, '{}');
    await post(`${ROUTE}?key=${KEY}`, 'not json');
    await post(`${ROUTE}?k%65y=${KEY}&other=1`, '{"event":1}');
    const metrics = await http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(metrics.status).toBe(200);
    const everything = [...output.raw, metrics.text, ...answers].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(NEXT_KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
    const hookLines = output.lines.filter((line) => String(line.msg).includes(ROUTE));
    expect(hookLines.length).toBeGreaterThan(5);
    expect(hookLines.map((line) => String(line.msg))).toContainEqual(
      expect.stringMatching(/^POST \/crisp\/webhooks\/website\?key=\[REDACTED\] 200$/),
    );
  });

  it('refuses every Website Hook when no key is configured', async () => {
    const bare = await createTestApp(database.connection, testConfig({}));
    try {
      const response = await request(bare.getHttpServer() as App)
        .post(`${ROUTE}?key=${KEY}`)
        .set('Content-Type', 'application/json')
        .send(hookBody('session_x', 'resolved'));
      expect(response.status).toBe(401);
      expect((response.body as { message: string }).message).toMatch(/CRISP_WEBSITE_HOOK_KEY/);
    } finally {
      await bare.close();
    }
  });
});
