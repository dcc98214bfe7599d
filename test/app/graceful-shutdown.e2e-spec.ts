import type { DataSource } from 'typeorm';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { compareMirrorWithTruth, eventually, PERFECT } from '../support/crisp-test-setup';
import { openDataLayer } from '../support/data-layer';
import {
  buildServiceOnce,
  realtimeServiceVariables,
  ServiceProcess,
} from '../support/service-process';
import { freePort } from '../support/test-database-server';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { sendMessageHook } from '../support/signed-message-hook';
import { startSimulatedWebsite } from '../support/simulated-website';

jest.setTimeout(180_000);

const SECRET = 'shutdown-webhook-secret';
const WEBSITE = '7f4cf0a4-9a49-4e53-8a4b-3f5f0f0c0a11';

describe('graceful shutdown', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let dataSource: DataSource;
  const services: ServiceProcess[] = [];
  let url: string;

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(91, 50, () => 1));
    database = await createTestDatabase();
    ({ dataSource } = await openDataLayer(database.connection, 2));
    await buildServiceOnce();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await dataSource.destroy();
    await simulator.stop();
    await database.drop();
  });

  async function startService() {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const service = new ServiceProcess(
      realtimeServiceVariables({
        connection: database.connection,
        simulatorUrl: simulator.restUrl,
        websiteId,
        webhookSecret: SECRET,
        port,
      }),
    );
    services.push(service);
    // RTM may connect before the HTTP server listens: Web Hooks need both.
    await service.waitFor(/Crisp RTM connected successfully/);
    await service.waitFor(new RegExp(`Server is running on port ${port}`));
    return service;
  }

  /** One signed `message:send` Web Hook; resolves with the HTTP status, or 0 if refused. */
  const sendHook = (fingerprint: number) =>
    sendMessageHook({
      url,
      secret: SECRET,
      websiteId: WEBSITE,
      sessionId: `session_shutdown_${fingerprint % 50}`,
      fingerprint,
    });

  it('on SIGTERM during a 1,000 events/s stream, loses nothing it took', async () => {
    const service = await startService();
    const sessions = [...truth.getWebsite(websiteId)!.conversations.keys()];
    const acknowledged: number[] = [];
    const answers = new Map<number, number>();
    const pending: Promise<void>[] = [];
    const started = Date.now();
    let terminatedAt = 0;
    // 1,000 RTM events a second for 4 s, and a signed Web Hook with every fifth.
    for (let i = 0; i < 4_000; i += 1) {
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessions[i % sessions.length], {
          from: i % 2 ? 'user' : 'operator',
        }),
      );
      if (i % 5 === 0) {
        const fingerprint = 1_000_000 + i;
        pending.push(
          sendHook(fingerprint).then((status) => {
            answers.set(status, (answers.get(status) ?? 0) + 1);
            if (status === 200) acknowledged.push(fingerprint);
          }),
        );
      }
      if (i === 2_000) {
        service.kill('SIGTERM');
        terminatedAt = Date.now();
      }
      const due = started + i;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    await Promise.all(pending);
    const exit = await service.exited;
    process.stdout.write(
      `SIGTERM after ${terminatedAt - started} ms of stream; Web Hook answers by status: ${JSON.stringify(
        Object.fromEntries(answers),
      )}; exit ${JSON.stringify(exit)}\n`,
    );
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.output).toMatch(/SIGTERM received: shutting down/);
    expect(service.output).not.toMatch(/could not be written/);
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    const rows: { fingerprint: string }[] = await dataSource.query(
      `SELECT fingerprint FROM conversation_messages WHERE website_id = $1`,
      [WEBSITE],
    );
    const stored = new Set(rows.map((row) => Number(row.fingerprint)));
    expect(acknowledged.filter((fingerprint) => !stored.has(fingerprint))).toEqual([]);

    // What RTM sent after the shutdown began was never taken: the next start catches up on it.
    await startService();
    await eventually(
      async () =>
        expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT),
      60_000,
    );
  });
});
