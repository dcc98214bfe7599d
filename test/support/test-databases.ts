import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';
import { typeOrmOptions } from '../../src/schema/typeorm-options';

export const TEMPLATE_DATABASE = 'crisp_test_template';
const ADMIN_ENV = 'CRISP_TEST_ADMIN_CONNECTION';

/** A connection to `database` on the same server as `admin`. */
export function onDatabase(admin: DatabaseConnection, database: string): DatabaseConnection {
  if (!admin.url) return { ...admin, database };
  const url = new URL(admin.url);
  url.pathname = `/${database}`;
  return { ...admin, url: url.toString() };
}

async function withAdminClient<T>(admin: DatabaseConnection, work: (client: Client) => Promise<T>) {
  const client = new Client(toPgClientConfig(admin));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Run once per test run: a database with every migration applied, cloned by each test file. */
export async function createMigratedTemplate(admin: DatabaseConnection) {
  await withAdminClient(admin, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  const dataSource = new DataSource(typeOrmOptions(onDatabase(admin, TEMPLATE_DATABASE)));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
}

export function shareAdminConnection(admin: DatabaseConnection) {
  process.env[ADMIN_ENV] = JSON.stringify(admin);
}

function sharedAdminConnection(): DatabaseConnection {
  const shared = process.env[ADMIN_ENV];
  if (!shared) throw new Error('The test database server is not running (jest globalSetup)');
  return JSON.parse(shared) as DatabaseConnection;
}

export interface TestDatabase {
  connection: DatabaseConnection;
  drop(): Promise<void>;
}

/**
 * A fresh database of its own for one test file: migrated, cloned from the template in ms, or
 * empty (for a test of the migrations themselves).
 */
export async function createTestDatabase({ empty = false } = {}): Promise<TestDatabase> {
  const admin = sharedAdminConnection();
  const name = `crisp_test_${randomBytes(6).toString('hex')}`;
  const template = empty ? 'template0' : TEMPLATE_DATABASE;
  await withAdminClient(admin, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`),
  );
  return {
    connection: onDatabase(admin, name),
    drop: async () => {
      await withAdminClient(admin, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}
