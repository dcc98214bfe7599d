import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { buildServiceOnce, ServiceProcess } from '../support/service-process';
import { freePort } from '../support/test-database-server';

const ROOT = resolve(__dirname, '../..');

/** A user's environment with `variables` set and no database configured. */
function withoutDatabase(variables: Record<string, string>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...variables })) {
    if (value !== undefined) environment[name] = value;
  }
  environment.NODE_ENV = 'development';
  for (const name of ['DATABASE_URL', 'DB_HOST', 'TEST_DATABASE_URL']) delete environment[name];
  return environment;
}

const started: ServiceProcess[] = [];

const SECRET_IN_ENVIRONMENT = 'secret-of-the-service-0123456789abcdef';

/** The password of a libpq password file (its last field). */
function passwordIn(file: string): string {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((candidate) => candidate && !candidate.startsWith('#'));
  return line?.split(':').slice(4).join(':') ?? '';
}

/** `npm start` as a user runs it: the built service, no database configured, a clean folder. */
function startService(variables: Record<string, string>, cwd: string): ServiceProcess {
  const service = new ServiceProcess(withoutDatabase(variables), cwd);
  started.push(service);
  return service;
}

describe('npm start on a machine with no database configured', () => {
  let folder: string;

  beforeAll(async () => {
    await buildServiceOnce();
    folder = mkdtempSync(join(tmpdir(), 'crisp-start-'));
    chmodSync(folder, 0o755);
  }, 200_000);

  afterAll(async () => {
    // A failed assertion must not leave a service (and its PostgreSQL) running.
    await Promise.all(started.map((service) => service.stop()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts an embedded PostgreSQL, logs how to connect, serves the read API, keeps data across restarts and stops cleanly', async () => {
    const [port, databasePort] = [await freePort(), await freePort()];
    const dataDirectory = join(folder, 'postgres');
    const variables = {
      PORT: String(port),
      EMBEDDED_DB_PORT: String(databasePort),
      EMBEDDED_DB_DIR: dataDirectory,
      // Secrets of the service's own: none may reach PostgreSQL's environment.
      CRISP_WEBHOOK_SECRET: SECRET_IN_ENVIRONMENT,
      UNRELATED_SECRET_OF_THE_SHELL: SECRET_IN_ENVIRONMENT,
    };
    const running = new RegExp(`Server is running on port ${port}`);
    const first = startService(variables, folder);
    await first.waitFor(running, 60_000);
    const passwordFile = `${dataDirectory}.pgpass`;
    expect(first.output).toContain(
      `Embedded PostgreSQL is running; connect with: psql postgresql://postgres@127.0.0.1:${databasePort}/crisp (password in ${passwordFile}, mode 0600: PGPASSFILE=${passwordFile} psql postgresql://postgres@127.0.0.1:${databasePort}/crisp)`,
    );
    expect(first.output).toContain('Database connection successfully connected');
    const password = passwordIn(passwordFile);
    expect(first.output).not.toContain(password);

    // /proc/<pid>/environ is readable by the database's OS user and by whatever it runs.
    const postmaster = readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0];
    const environment = readFileSync(`/proc/${postmaster}/environ`, 'utf8').split('\0');
    expect(environment.join('\n')).not.toContain(SECRET_IN_ENVIRONMENT);
    expect(environment.filter(Boolean).map((entry) => entry.split('=')[0])).toEqual(
      expect.arrayContaining(['PATH']),
    );
    expect(environment.filter(Boolean).length).toBeLessThanOrEqual(2);

    const response = await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 200, pagination: { total: 0, page: 1 } });

    const client = new Client({
      host: '127.0.0.1',
      port: databasePort,
      user: 'postgres',
      password,
      database: 'crisp',
    });
    await client.connect();
    await client.query(
      `INSERT INTO conversations (session_id, website_id, observed_at, sync_source) VALUES ('session_kept', 'w', now(), 'backfill')`,
    );
    await client.end();

    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${databasePort}`)).rejects.toThrow();

    const second = startService(variables, folder);
    await second.waitFor(running, 60_000);
    const again = (await (
      await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`)
    ).json()) as {
      pagination: { total: number };
    };
    expect(again.pagination.total).toBe(1);

    // A command run meanwhile shares the running database instead of stopping it.
    execFileSync(process.execPath, [join(ROOT, 'dist/src/schema/migration-cli.js'), 'run'], {
      cwd: folder,
      env: withoutDatabase(variables),
      stdio: 'ignore',
      timeout: 60_000,
    });
    expect((await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`)).status).toBe(200);

    // Killed outright, the service leaves its PostgreSQL behind; the next start stops and reuses it.
    second.kill('SIGKILL');
    await second.exited;
    const third = startService(variables, folder);
    await third.waitFor(running, 60_000);
    third.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 180_000);

  it('refuses to start on bad configuration, naming every bad variable and no secret', async () => {
    const service = startService(
      {
        PORT: 'not-a-port',
        DB_SSL: 'perhaps',
        CRISP_IDENTIFIER: 'id',
        CRISP_KEY: '',
        DB_PASSWORD: 'hunter2-secret',
      },
      folder,
    );
    expect((await service.exited).code).toBe(1);
    expect(service.output).toMatch(/PORT:/);
    expect(service.output).toMatch(/DB_SSL:/);
    expect(service.output).toMatch(/CRISP_IDENTIFIER and CRISP_KEY/);
    expect(service.output).not.toContain('hunter2-secret');
  }, 30_000);
});
