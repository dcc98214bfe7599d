import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyBiRole } from '../../src/bi/apply-bi-role';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

/**
 * Roles belong to the whole server, which every test file shares: each file makes its own, with a
 * name of its own and a password (an external test server may check it), and drops it.
 */
export function testRole(): { role: string; password: string } {
  return {
    role: `bi_test_${randomBytes(5).toString('hex')}`,
    password: `pw '${randomBytes(9).toString('base64')}\\`,
  };
}

/** The test database, logged in as `role`. */
export async function connectAs(
  connection: DatabaseConnection,
  role: string,
  password: string,
): Promise<Client> {
  let asRole: DatabaseConnection = { ...connection, username: role, password };
  if (connection.url) {
    const url = new URL(connection.url);
    url.username = role;
    url.password = encodeURIComponent(password);
    asRole = { ...connection, url: url.toString() };
  }
  const client = new Client(toPgClientConfig(asRole));
  await client.connect();
  return client;
}

/** Revokes what the role holds on this database and the server, then drops it. */
export async function dropRole(admin: Client, role: string) {
  await admin.query(`DROP OWNED BY ${admin.escapeIdentifier(role)}`);
  await admin.query(`DROP ROLE ${admin.escapeIdentifier(role)}`);
}

export interface BiDatabase {
  database: () => TestDatabase;
  admin: () => Client;
  bi: () => Client;
}

/**
 * For the enclosing `describe`: a test database `seed` fills as its owner, then a read-only role
 * made by the CLI's own statements and a connection as that role; all dropped afterwards.
 */
export function useBiDatabase(seed: (admin: Client) => Promise<void>): BiDatabase {
  const { role, password } = testRole();
  let database: TestDatabase | undefined;
  let admin: Client | undefined;
  let bi: Client | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client(toPgClientConfig(database.connection));
    await admin.connect();
    await seed(admin);
    await applyBiRole(admin, role, password);
    bi = await connectAs(database.connection, role, password);
  });
  afterAll(async () => {
    await bi?.end();
    if (admin) {
      await dropRole(admin, role);
      await admin.end();
    }
    await database?.drop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the BI database is not ready yet');
    return value;
  };
  return { database: () => ready(database), admin: () => ready(admin), bi: () => ready(bi) };
}
