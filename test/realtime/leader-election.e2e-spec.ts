import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { toPgClientConfig } from '../../src/database/database-connection';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import type { CrispSimulator } from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { startSimulatedWebsite } from '../support/simulated-website';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(60_000);

describe('RTM leader election between instances of one database', () => {
  let simulator: CrispSimulator;
  let websiteId: string;
  let database: TestDatabase;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    ({ simulator, websiteId } = await startSimulatedWebsite(13, 3, () => 1));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await simulator.stop();
    await database.drop();
  });

  async function startInstance() {
    const app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_INTERVAL_MS: '0',
      RTM_LEADER_CHECK_MS: '200',
    });
    apps.push(app);
    return app.get(RtmListenerService);
  }

  const authenticatedClients = () =>
    simulator.rtm.clients().filter((client) => client.authenticated).length;

  it('has one leader; after its lock session is killed, still exactly one', async () => {
    const first = await startInstance();
    await eventually(() => expect(first.state).toBe('connected'));
    const second = await startInstance();
    await eventually(() => expect(second.state).toBe('standby'));
    expect(authenticatedClients()).toBe(1);

    // The leader's lock connection dies (a network cut, an administrator): the lock is free.
    const admin = new Client(toPgClientConfig(database.connection));
    await admin.connect();
    const lockHolder = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'advisory' AND l.granted
             AND a.application_name = 'crisp-basedash rtm-leader'
             AND a.datname = current_database()`,
        )
      ).rows.map((row) => row.pid);
    const [killedPid] = await lockHolder();
    await admin.query('SELECT pg_terminate_backend($1)', [killedPid]);
    // Someone holds the lock again, on a new session.
    await eventually(async () => {
      const holders = await lockHolder();
      expect(holders).toHaveLength(1);
      expect(holders[0]).not.toBe(killedPid);
    });
    await admin.end();

    // Whoever asks first leads; the other stands by. Never two for long, never none.
    await eventually(() => {
      const states = [first.state, second.state].sort();
      expect(states).toEqual(['connected', 'standby']);
      expect(authenticatedClients()).toBe(1);
    });
  });

  it('hands over at once when the leader shuts down', async () => {
    const [leaderApp] = apps.filter((app) => app.get(RtmListenerService).state === 'connected');
    const follower = apps
      .map((app) => app.get(RtmListenerService))
      .find((listener) => listener.state === 'standby')!;
    const started = Date.now();
    await leaderApp.close();
    apps.splice(apps.indexOf(leaderApp), 1);
    await eventually(() => expect(follower.state).toBe('connected'));
    expect(Date.now() - started).toBeLessThan(5_000);
    await eventually(() => expect(authenticatedClients()).toBe(1));
  });
});
