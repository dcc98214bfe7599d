import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { buildServiceOnce } from '../support/service-process';
import { freePort } from '../support/test-database-server';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');

interface RunningService {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** A user's environment with `variables` set and no database configured. */
function withoutDatabase(variables: Record<string, string>): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...variables, NODE_ENV: 'development' };
  for (const name of ['DATABASE_URL', 'DB_HOST', 'TEST_DATABASE_URL']) delete environment[name];
  return environment;
}

/** `npm start` as a user runs it: the built service, no database configured, a clean folder. */
function startService(variables: Record<string, string>, cwd: string): RunningService {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: withoutDatabase(variables),
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('npm start on a machine with no database configured', () => {
  let folder: string;

  beforeAll(async () => {
    await buildServiceOnce();
    folder = mkdtempSync(join(tmpdir(), 'crisp-start-'));
    chmodSync(folder, 0o755);
  }, 200_000);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('starts an embedded PostgreSQL, logs how to connect, serves the read API, keeps data across restarts and stops cleanly', async () => {
    const [port, databasePort] = [await freePort(), await freePort()];
    const variables = {
      PORT: String(port),
      EMBEDDED_DB_PORT: String(databasePort),
      EMBEDDED_DB_DIR: join(folder, 'postgres'),
    };
    const first = startService(variables, folder);
    await waitFor(
      () => first.output().includes(`Server is running on port ${port}`),
      'the service',
    );
    expect(first.output()).toContain(`psql postgresql://postgres@127.0.0.1:${databasePort}/crisp`);
    expect(first.output()).toContain('Database connection successfully connected');

    const response = await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 200, pagination: { total: 0, page: 1 } });

    const client = new Client({
      host: '127.0.0.1',
      port: databasePort,
      user: 'postgres',
      database: 'crisp',
    });
    await client.connect();
    await client.query(
      `INSERT INTO conversations (session_id, website_id, observed_at, sync_source) VALUES ('session_kept', 'w', now(), 'backfill')`,
    );
    await client.end();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${databasePort}`)).rejects.toThrow();

    const second = startService(variables, folder);
    await waitFor(
      () => second.output().includes(`Server is running on port ${port}`),
      'the restart',
    );
    const again = (await (
      await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`)
    ).json()) as {
      pagination: { total: number };
    };
    expect(again.pagination.total).toBe(1);

    // A command run meanwhile shares the running database instead of stopping it.
    execFileSync(process.execPath, [join(ROOT, 'dist/src/database/migration-cli.js'), 'run'], {
      cwd: folder,
      env: withoutDatabase(variables),
      stdio: 'ignore',
      timeout: 60_000,
    });
    expect((await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`)).status).toBe(200);

    // Killed outright, the service leaves its PostgreSQL behind; the next start stops and reuses it.
    second.child.kill('SIGKILL');
    await second.exited;
    const third = startService(variables, folder);
    await waitFor(() => third.output().includes(`Server is running on port ${port}`), 'a restart');
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
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
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/PORT:/);
    expect(service.output()).toMatch(/DB_SSL:/);
    expect(service.output()).toMatch(/CRISP_IDENTIFIER and CRISP_KEY/);
    expect(service.output()).not.toContain('hunter2-secret');
  }, 30_000);
});
