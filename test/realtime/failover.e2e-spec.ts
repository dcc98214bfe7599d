import request from 'supertest';
import type { DataSource } from 'typeorm';
import { CrispSimulator, GroundTruth, signHook } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  conversationFieldsDiffer,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { openDataLayer } from '../support/data-layer';
import {
  buildServiceOnce,
  realtimeServiceVariables,
  ServiceProcess,
} from '../support/service-process';
import { freePort } from '../support/test-database-server';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { startSimulatedWebsite } from '../support/simulated-website';

jest.setTimeout(180_000);

const SECRET = 'failover-webhook-secret';
const CONNECTED = /Crisp RTM connected successfully/;

describe('two instances on one database: one RTM leader, failover after SIGKILL', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let dataSource: DataSource;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(77, 20, () => 2));
    database = await createTestDatabase();
    ({ dataSource } = await openDataLayer(database.connection, 2));
    await buildServiceOnce();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((service) => service.stop()));
    await dataSource?.destroy();
    await simulator.stop();
    await database.drop();
  });

  async function startInstance() {
    const port = await freePort();
    const service = new ServiceProcess(
      realtimeServiceVariables({
        connection: database.connection,
        simulatorUrl: simulator.restUrl,
        websiteId,
        webhookSecret: SECRET,
        port,
      }),
    );
    processes.push(service);
    await service.waitFor(/Server is running on port/);
    return { service, url: `http://127.0.0.1:${port}` };
  }

  /** Two mutations per step (a message, then a state or meta change), `rate` steps a second. */
  async function liveStream(events: number, rate: number, onEvent: (sent: number) => void) {
    const sessions = [...truth.getWebsite(websiteId)!.conversations.keys()];
    const started = Date.now();
    for (let sent = 0; sent < events; sent += 2) {
      const sessionId = sessions[(sent / 2) % sessions.length];
      simulator.mutate((t) =>
        t.addMessage(websiteId, sessionId, { from: sent % 4 ? 'operator' : 'user' }),
      );
      simulator.mutate((t) =>
        sent % 6
          ? t.setMeta(websiteId, sessionId, 'subject', `subject ${sent}`)
          : t.setState(websiteId, sessionId, sent % 12 ? 'pending' : 'resolved'),
      );
      onEvent(sent + 2);
      const due = started + ((sent + 2) / rate) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
  }

  it('keeps exactly one RTM connection, fails over within 15 s, and ends equal to the truth', async () => {
    const leader = await startInstance();
    await leader.service.waitFor(CONNECTED);
    const follower = await startInstance();
    await follower.service.waitFor(/standing by/);
    expect(simulator.rtm.clients().filter((client) => client.authenticated).length).toBe(1);

    // Web Hooks are taken by any instance, the standby included.
    const body = JSON.stringify({
      website_id: websiteId,
      event: 'session:set_state',
      data: {
        website_id: websiteId,
        session_id: [...truth.getWebsite(websiteId)!.conversations.keys()][0],
        state: 'pending',
      },
      timestamp: Date.now(),
    });
    const timestamp = Date.now();
    await request(follower.url)
      .post('/crisp/webhooks')
      .set('Content-Type', 'application/json')
      .set('X-Crisp-Request-Timestamp', String(timestamp))
      .set('X-Crisp-Signature', signHook(SECRET, timestamp, body))
      .send(body)
      .expect(200);

    let takeover: Promise<number> | undefined;
    await liveStream(2_000, 400, (sent) => {
      if (sent === 1_000) {
        leader.service.kill('SIGKILL');
        takeover = follower.service.waitFor(CONNECTED, 15_000);
      }
    });
    await leader.service.exited;
    const failoverMs = await takeover!;
    process.stdout.write(`RTM failover after SIGKILL: ${failoverMs} ms\n`);
    expect(failoverMs).toBeLessThanOrEqual(15_000);
    await eventually(() =>
      expect(simulator.rtm.clients().filter((client) => client.authenticated).length).toBe(1),
    );

    await eventually(async () => {
      expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
      expect(await conversationFieldsDiffer(dataSource, truth, websiteId)).toEqual([]);
    }, 60_000);
  });
});
