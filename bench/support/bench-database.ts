import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';
import { typeOrmOptions } from '../../src/schema/typeorm-options';
import { startTestDatabaseServer } from '../../test/support/test-database-server';
import { onDatabase } from '../../test/support/test-databases';

export interface BenchDatabase {
  connection: DatabaseConnection;
  close(): Promise<void>;
}

/**
 * A migrated database for one benchmark run: on the server of BENCH_DATABASE_URL when set
 * (its user needs CREATEDB), otherwise on an embedded PostgreSQL in a temporary folder.
 */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const server = await startTestDatabaseServer(process.env.BENCH_DATABASE_URL ?? null);
  const client = new Client(toPgClientConfig(server.admin));
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const connection = onDatabase(server.admin, name);
  const dataSource = new DataSource(typeOrmOptions(connection));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return { connection, close: () => server.stop() };
}
