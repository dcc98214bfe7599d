import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';
import { typeOrmOptions } from '../../src/database/typeorm-options';
import { freePort } from '../../test/support/test-database-server';

export interface BenchDatabase {
  connection: DatabaseConnection;
  close(): Promise<void>;
}

/**
 * A migrated database for one benchmark run: on the server of BENCH_DATABASE_URL when set
 * (its user needs CREATEDB), otherwise on an embedded PostgreSQL in a temporary folder.
 */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const url = process.env.BENCH_DATABASE_URL;
  let admin: DatabaseConnection;
  let stopServer = () => Promise.resolve();
  if (url) {
    admin = { url, port: 5432, ssl: false };
  } else {
    const folder = mkdtempSync(join(tmpdir(), 'crisp-bench-pg-'));
    chmodSync(folder, 0o755);
    const server = await EmbeddedPostgresServer.start({
      dataDirectory: join(folder, 'data'),
      port: await freePort(),
      database: 'postgres',
    });
    admin = server.connection;
    stopServer = async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    };
  }
  const client = new Client(toPgClientConfig(admin));
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const connection = admin.url
    ? { ...admin, url: Object.assign(new URL(admin.url), { pathname: `/${name}` }).toString() }
    : { ...admin, database: name };
  const dataSource = new DataSource(typeOrmOptions(connection));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return { connection, close: stopServer };
}
