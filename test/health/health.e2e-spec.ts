import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { toPgClientConfig } from '../../src/database/database-connection';
import { MIGRATIONS } from '../../src/database/migrations';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { DEFAULT_CREDENTIAL } from '../../tools/crisp-simulator';
import { eventually } from '../support/crisp-test-setup';
import { createTestApp, testConfig } from '../support/test-app';
import { freePort } from '../support/test-database-server';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(60_000);

interface ReadyBody {
  code: number;
  message: string;
  data: {
    status: string;
    error?: Record<string, { status: string; message?: string; state?: string }>;
    details: Record<string, { status: string; message?: string; state?: string }>;
  };
}

/** Nothing in the background: no job polling, no catch-up schedule. */
const QUIET = { BACKFILL_POLL_INTERVAL_MS: '0', RECONCILE_INTERVAL_MS: '0' };

describe('GET /health and GET /health/ready', () => {
  const databases: TestDatabase[] = [];
  const apps: INestApplication[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const database of databases) await database.drop();
  });

  async function start(variables: Record<string, string> = {}, emptySchema = false) {
    const database = await createTestDatabase();
    databases.push(database);
    if (emptySchema) {
      // A fresh, never-migrated database (the app runs with DB_RUN_MIGRATIONS=false in tests).
      const client = new Client(toPgClientConfig(database.connection));
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await client.end();
    }
    const app = await createTestApp(database.connection, testConfig({ ...QUIET, ...variables }));
    apps.push(app);
    return app;
  }

  const get = (app: INestApplication, path: string) =>
    request(app.getHttpServer() as App).get(path);

  describe('on a migrated database with RTM disabled', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start();
    });

    it('is alive', async () => {
      const response = await get(app, '/health').expect(200);
      expect(response.body).toEqual({ code: 200, message: 'Alive', data: { status: 'ok' } });
      expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
    });

    it('is ready, with every check up', async () => {
      const { body } = (await get(app, '/health/ready').expect(200)) as { body: ReadyBody };
      expect(body.code).toBe(200);
      expect(body.message).toBe('Ready');
      expect(body.data.status).toBe('ok');
      expect(body.data.details.database.status).toBe('up');
      expect(body.data.details.migrations).toMatchObject({
        status: 'up',
        applied: MIGRATIONS.length,
      });
      expect(body.data.details.rtm).toMatchObject({ status: 'up', state: 'disabled' });
    });
  });

  it('is not ready while migrations are missing, and names them', async () => {
    const app = await start({}, true);
    await get(app, '/health').expect(200);
    const { body } = (await get(app, '/health/ready').expect(503)) as { body: ReadyBody };
    expect(body.code).toBe(503);
    expect(body.message).toBe('Not ready: migrations');
    expect(body.data.status).toBe('error');
    expect(body.data.details.database.status).toBe('up');
    expect(body.data.error?.migrations.status).toBe('down');
    expect(body.data.error?.migrations.message).toContain(
      `${MIGRATIONS.length} migration(s) not applied`,
    );
    expect(body.data.error?.migrations.message).toContain(MIGRATIONS[0].name);
  });

  it('is not ready while RTM is enabled but cannot connect', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const app = await start({
      CRISP_IDENTIFIER: DEFAULT_CREDENTIAL.identifier,
      CRISP_KEY: DEFAULT_CREDENTIAL.key,
      CRISP_REST_URL: closed,
      CRISP_RTM_URL: closed,
      CRISP_RTM_ENABLED: 'true',
    });
    // Once this instance wins the RTM election (it is alone), it tries to connect, and fails.
    const rtm = app.get(RtmListenerService);
    await eventually(() => expect(['connecting', 'disconnected']).toContain(rtm.state));
    await get(app, '/health').expect(200);
    const { body } = (await get(app, '/health/ready').expect(503)) as { body: ReadyBody };
    expect(body.message).toBe('Not ready: rtm');
    expect(body.data.error?.rtm.status).toBe('down');
    expect(['connecting', 'disconnected']).toContain(body.data.error?.rtm.state);
    expect(body.data.details.database.status).toBe('up');
    expect(body.data.details.migrations.status).toBe('up');
  });

  it('is not ready once the database is gone, but still alive', async () => {
    const app = await start();
    await get(app, '/health/ready').expect(200);
    await databases[databases.length - 1].drop();
    await eventually(async () => {
      const { body } = (await get(app, '/health/ready').expect(503)) as { body: ReadyBody };
      expect(body.message).toContain('database');
      expect(body.data.error?.database.status).toBe('down');
    });
    await get(app, '/health').expect(200);
  });
});
