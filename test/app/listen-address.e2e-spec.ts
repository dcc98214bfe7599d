/**
 * Issue 12 item 8: with no API token the API is open, so the service listens on 127.0.0.1 only;
 * HOST overrides it, and with a token it listens on every interface as before. Checked on the
 * built service (src/main.ts), by the address the kernel reports the socket bound to.
 */
import { toEnvironmentVariables } from '../../src/database/database-connection';
import { listeningAddresses } from '../support/listening-sockets';
import { buildServiceOnce, ServiceProcess } from '../support/service-process';
import { freePort } from '../support/test-database-server';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(120_000);

const TOKEN = 'listen-address-admin-token-0123456789abcdef';
const EVERY_INTERFACE = ['::', '0.0.0.0'];

describe('where the service listens', () => {
  let database: TestDatabase;
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await buildServiceOnce();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await database.drop();
  });

  /** The service on the test database; resolves once it logged its start-up line. */
  async function start(variables: Record<string, string>) {
    const port = await freePort();
    const service = new ServiceProcess({
      ...toEnvironmentVariables(database.connection),
      NODE_ENV: 'development',
      DB_RUN_MIGRATIONS: 'false',
      BACKFILL_POLL_INTERVAL_MS: '0',
      PORT: String(port),
      ...variables,
    });
    started.push(service);
    await service.waitFor(new RegExp(`Server is running on port ${port}, listening on `), 60_000);
    const line = service.output.split('\n').find((text) => text.includes('Server is running'));
    const addresses = listeningAddresses(port);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    service.kill('SIGTERM');
    await service.exited;
    return { line: line ?? '', addresses, healthStatus: health.status };
  }

  it('listens on 127.0.0.1 only when no API token is set, and says so', async () => {
    const { line, addresses, healthStatus } = await start({});
    expect(addresses).toEqual(['127.0.0.1']);
    expect(line).toContain('listening on 127.0.0.1 (this machine only, as no API token is set');
    expect(healthStatus).toBe(200);
  });

  it('listens on every interface when an API token is set, as before', async () => {
    const { line, addresses } = await start({ API_TOKEN: TOKEN });
    expect(addresses).toHaveLength(1);
    expect(EVERY_INTERFACE).toContain(addresses[0]);
    expect(line).toContain(`listening on ${addresses[0]} (every interface)`);
  });

  it('listens where HOST says, with or without a token, in development and production', async () => {
    const open = await start({ HOST: '0.0.0.0' });
    expect(open.addresses).toEqual(['0.0.0.0']);
    expect(open.line).toContain('listening on 0.0.0.0 (as HOST says)');
    const production = await start({ NODE_ENV: 'production', API_TOKEN: TOKEN, HOST: '127.0.0.1' });
    expect(production.addresses).toEqual(['127.0.0.1']);
  });
});
