import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { toPgClientConfig } from '../../src/database/database-connection';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';
import { buildServiceOnce, ServiceProcess } from '../support/service-process';
import { sendMessageHook } from '../support/signed-message-hook';
import { freePort } from '../support/test-database-server';

jest.setTimeout(180_000);

const SECRET = 'embedded-shutdown-webhook-secret-0123456789';
const WEBSITE = '2b1f6c3e-3f0e-4d3e-9a43-0d9b7c1e5a21';
const HOOKS = 5;

/** One signed `message:send` Web Hook; resolves with the HTTP status, or 0 if refused. */
const sendHook = (url: string, fingerprint: number) =>
  sendMessageHook({
    url,
    secret: SECRET,
    websiteId: WEBSITE,
    sessionId: `session_embedded_shutdown_${fingerprint}`,
    fingerprint,
  });

/** Waits until the service's write buffer holds `changes` changes (its Prometheus gauge). */
async function bufferHolds(url: string, changes: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const depth = /^\w*mirror_buffer_depth(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1];
    if (Number(depth) === changes) return;
    if (Date.now() > deadline) throw new Error(`buffer depth ${depth}, not ${changes}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `npm start` with no database configured, stopped the ways a developer stops it: the service
 * writes what it holds, then its embedded PostgreSQL stops (not the other way round).
 */
describe('npm start on the embedded PostgreSQL, stopped by a signal', () => {
  let folder: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    await buildServiceOnce();
    folder = mkdtempSync(join(tmpdir(), 'crisp-embedded-shutdown-'));
    chmodSync(folder, 0o755);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('on SIGTERM during start-up, stops the embedded PostgreSQL it started', async () => {
    const dataDirectory = join(folder, 'postgres-start-up');
    const service = new ServiceProcess(
      {
        NODE_ENV: 'development',
        PORT: String(await freePort()),
        EMBEDDED_DB_PORT: String(await freePort()),
        EMBEDDED_DB_DIR: dataDirectory,
      },
      folder,
    );
    services.push(service);
    await service.waitFor(/Embedded PostgreSQL is running/, 90_000);
    const postmaster = Number(
      readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(() => process.kill(postmaster, 0)).toThrow();
  });

  const ways = [
    { name: 'SIGTERM', stop: (service: ServiceProcess) => service.kill('SIGTERM') },
    { name: 'Ctrl-C', stop: (service: ServiceProcess) => service.signalGroup('SIGINT') },
    { name: 'SIGHUP', stop: (service: ServiceProcess) => service.kill('SIGHUP') },
  ];

  it.each(ways.map((way, index) => [way.name, way, index] as const))(
    'on %s, writes every buffered change before PostgreSQL stops',
    async (_name, way, index) => {
      const [port, databasePort] = [await freePort(), await freePort()];
      const dataDirectory = join(folder, `postgres-${index}`);
      const service = new ServiceProcess(
        {
          NODE_ENV: 'development',
          PORT: String(port),
          EMBEDDED_DB_PORT: String(databasePort),
          EMBEDDED_DB_DIR: dataDirectory,
          CRISP_WEBHOOK_SECRET: SECRET,
          // Changes stay in the buffer until the shutdown writes them.
          MIRROR_FLUSH_MS: '600000',
          MIRROR_BATCH_SIZE: '100000',
          LOG_FORMAT: 'json',
        },
        folder,
        undefined,
        true,
      );
      services.push(service);
      await service.waitFor(new RegExp(`Server is running on port ${port}`), 90_000);

      const fingerprints = Array.from({ length: HOOKS }, (_, i) => 7_000_000 + index * 100 + i);
      const answers = Promise.all(
        fingerprints.map((fingerprint) => sendHook(`http://127.0.0.1:${port}`, fingerprint)),
      );
      // Received and buffered (nothing is flushed for ten minutes), however loaded the machine.
      await bufferHolds(`http://127.0.0.1:${port}`, HOOKS);
      way.stop(service);

      expect(await answers).toEqual(Array(HOOKS).fill(200));
      expect(await service.exited).toEqual({ code: 0, signal: null });
      expect(service.output).toContain(`Shutdown: flushed ${HOOKS} buffered changes`);
      expect(service.output).not.toMatch(/could not be written/);

      const server = await EmbeddedPostgresServer.start({
        dataDirectory,
        port: databasePort,
        database: 'crisp',
      });
      try {
        const client = new Client(toPgClientConfig(server.connection));
        await client.connect();
        const stored = await client.query<{ count: string }>(
          'SELECT count(*) FROM conversation_messages WHERE website_id = $1',
          [WEBSITE],
        );
        await client.end();
        expect(Number(stored.rows[0].count)).toBe(HOOKS);
      } finally {
        await server.stop();
      }
    },
  );
});
