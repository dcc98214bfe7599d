import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { toPgClientConfig, type DatabaseConnection } from '../../src/database/database-connection';

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
