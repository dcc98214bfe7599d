import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseConnection } from './database-connection';
import { arrangeLayout, type PostgresLayout } from './embedded-postgres-layout';
import {
  EMBEDDED_SUPERUSER,
  generatePassword,
  passwordFileOf,
  readPassword,
} from './embedded-postgres-password';
import { scramVerifier } from './scram-verifier';
import { findPostmaster, isAlive, pidFromLockFile } from './postmaster-process.finder';
import {
  initCluster,
  setSuperuserVerifier,
  startPostmaster,
  stopPostmaster,
  writeHostBasedAuthentication,
} from './postgres-process.runner';

export interface EmbeddedPostgresOptions {
  dataDirectory: string;
  port: number;
  database: string;
  onLog?: (message: string) => void;
  /** The binaries' package folder (`native/`); by default the installed platform package's. */
  nativeDirectory?: string;
}

/**
 * A real PostgreSQL from the binaries of the `embedded-postgres` package, for a machine with no
 * database configured. This class runs them itself (the package's own runner passes the whole
 * environment on, trusts local logins and stops the server at the first signal, before the
 * service has written what it holds). It listens on 127.0.0.1 only, and only with the
 * superuser's password, kept in `<data folder>.pgpass` (mode 0600).
 */
export class EmbeddedPostgresServer {
  private constructor(
    private readonly stopServer: () => Promise<void>,
    readonly connection: DatabaseConnection,
    /** Where the password is (a libpq password file), for whoever connects by hand. */
    readonly passwordFile: string,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const log = options.onLog ?? (() => undefined);
    const { dataDirectory } = options;
    const layout = arrangeLayout(dataDirectory, options.nativeDirectory);
    const passwordFile = passwordFileOf(dataDirectory);
    const running = findPostmaster(layout.clusterDirectory);
    if (running && isAlive(ownerOf(dataDirectory))) {
      // Another process of this project (the service, a CLI) runs it: share it, leave it running.
      log(`Using the embedded PostgreSQL already running on port ${running.port}`);
      const password = readPassword(passwordFile);
      if (!password)
        throw new Error(`The embedded PostgreSQL's password file is missing: ${passwordFile}`);
      const connection = localConnection(running.port, options.database, password);
      await prepareDatabases(connection, options.database);
      return new EmbeddedPostgresServer(() => Promise.resolve(), connection, passwordFile);
    }
    // A previous run killed with SIGKILL leaves its postmaster running, with no owner to stop it.
    if (running) await stopPostmaster(running.pid);
    else dropStaleLockFile(layout, log);
    const password = await ensureCluster(layout, passwordFile, logFileOf(dataDirectory));
    writeHostBasedAuthentication(layout);
    const started = await startPostmaster(layout, options.port, logFileOf(dataDirectory));
    writeFileSync(ownerFile(dataDirectory), String(process.pid), { mode: 0o600 });
    const pid = started.child.pid ?? 0;
    const stop = async () => {
      rmSync(ownerFile(dataDirectory), { force: true });
      await stopPostmaster(pid, started.exited);
    };
    const connection = localConnection(options.port, options.database, password);
    try {
      await prepareDatabases(connection, options.database);
    } catch (error) {
      await stop();
      throw error;
    }
    return new EmbeddedPostgresServer(stop, connection, passwordFile);
  }

  async stop(): Promise<void> {
    await this.stopServer();
  }
}

/** The cluster, created if missing, with a superuser password; returns that password. */
async function ensureCluster(layout: PostgresLayout, passwordFile: string, logFile: string) {
  if (!existsSync(join(layout.clusterDirectory, 'PG_VERSION'))) {
    const password = generatePassword(passwordFile);
    await initCluster(layout, password, logFile);
    return password;
  }
  const kept = readPassword(passwordFile);
  if (kept) return kept;
  // A cluster from before passwords (it trusted every local login): it gets one now.
  const password = generatePassword(passwordFile);
  try {
    await setSuperuserVerifier(layout, scramVerifier(password), logFile);
  } catch (error) {
    rmSync(passwordFile, { force: true });
    throw error;
  }
  return password;
}

/**
 * A lock file naming a process that is no postmaster of this folder (stale after a reboot, or
 * forged by the database's OS user): that process is left alone, and the file removed, since
 * /proc shows that no postmaster serves the folder.
 */
function dropStaleLockFile(layout: PostgresLayout, log: (message: string) => void) {
  const pid = pidFromLockFile(layout.clusterDirectory);
  if (pid === null || !existsSync('/proc/self/cwd')) return;
  log(`postmaster.pid names process ${pid}, which is no PostgreSQL of this folder: left alone`);
  rmSync(join(layout.clusterDirectory, 'postmaster.pid'), { force: true });
}

/** Beside the data folder (not in it): the pid of the process that started the server. */
const ownerFile = (dataDirectory: string) => `${dataDirectory}.owner`;

/** Beside the data folder: PostgreSQL's own output (start-up errors, slow queries, failed logins). */
const logFileOf = (dataDirectory: string) => `${dataDirectory}.log`;

function ownerOf(dataDirectory: string): number {
  const file = ownerFile(dataDirectory);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
}

function localConnection(port: number, database: string, password: string): DatabaseConnection {
  return { host: '127.0.0.1', port, username: EMBEDDED_SUPERUSER, password, database, ssl: false };
}

/**
 * Creates the service's database if missing, and leaves every other database (`postgres`,
 * `template1`) to the superuser: PostgreSQL lets any role connect to any database by default,
 * and a BI role should reach the service's database alone.
 */
async function prepareDatabases(connection: DatabaseConnection, database: string) {
  const client = new Client({
    host: connection.host,
    port: connection.port,
    user: connection.username,
    password: connection.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    const others = await client.query<{ name: string }>(
      'SELECT datname AS name FROM pg_database WHERE datname <> $1 AND datallowconn',
      [database],
    );
    for (const { name } of others.rows)
      await client.query(`REVOKE CONNECT ON DATABASE ${client.escapeIdentifier(name)} FROM PUBLIC`);
  } finally {
    await client.end();
  }
}
