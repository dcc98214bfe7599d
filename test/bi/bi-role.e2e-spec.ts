import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { Client, DatabaseError } from 'pg';
import { applyBiRole } from '../../src/bi/apply-bi-role';
import { BI_ROLE_LIMITS } from '../../src/bi/bi-role';
import { scramVerifier } from '../../src/database/scram-verifier';
import { createBiRoleCli, type CliIo } from '../../src/bi/create-bi-role-cli';
import { toEnvironmentVariables, toPgClientConfig } from '../../src/database/database-connection';
import { testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { connectAs, dropRole, testRole } from './bi-test-role';

const INSUFFICIENT_PRIVILEGE = '42501';
const QUERY_CANCELED = '57014';
const TOO_MANY_CONNECTIONS = '53300';
const READ_ONLY_SQL_TRANSACTION = '25006';

/**
 * Whether a stored SCRAM-SHA-256 verifier was made from `password` (RFC 5802 / 7677): the
 * embedded test server trusts every local login, so a login proves nothing about the password.
 */
function verifierMatches(stored: string, password: string): boolean {
  const [, iterations, salt, storedKey, serverKey] =
    /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored) ?? [];
  if (!iterations) return false;
  const salted = pbkdf2Sync(
    password,
    Buffer.from(salt, 'base64'),
    Number(iterations),
    32,
    'sha256',
  );
  const hmac = (text: string) => createHmac('sha256', salted).update(text).digest();
  return (
    createHash('sha256').update(hmac('Client Key')).digest('base64') === storedKey &&
    hmac('Server Key').toString('base64') === serverKey
  );
}

async function sqlState(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return error instanceof DatabaseError ? error.code : String(error);
  }
}

describe('the read-only BI role', () => {
  let database: TestDatabase;
  let admin: Client;
  let bi: Client;
  const { role, password } = testRole();
  const output: string[] = [];

  const cliIo = (stdin = ''): CliIo => ({
    loadConfig: () => testConfig(toEnvironmentVariables(database.connection)),
    readStdin: () => Promise.resolve(stdin),
    out: (line) => output.push(line),
    err: (line) => output.push(line),
  });

  const storedPassword = async () => {
    const { rows } = await admin.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
    );
    return rows[0].rolpassword;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client(toPgClientConfig(database.connection));
    await admin.connect();
    await admin.query(
      `INSERT INTO conversations (session_id, website_id, state, observed_at, sync_source)
       VALUES ('session_1', 'w1', 'pending', now(), 'backfill')`,
    );
  });

  afterAll(async () => {
    await bi?.end();
    if (admin) {
      await dropRole(admin, role).catch(() => undefined);
      await admin.end();
    }
    await database?.drop();
  });

  it('is created by the command, with the password read from stdin and never printed', async () => {
    expect(await createBiRoleCli([role, '-'], cliIo(`${password}\n`))).toBe(0);
    expect(output.join('\n')).toContain(`Role "${role}" created`);
    expect(output.join('\n')).toMatch(new RegExp(`Connect a BI tool with: postgresql://${role}@`));
    expect(output.join('\n')).not.toContain(password);
    expect(verifierMatches(await storedPassword(), password)).toBe(true);
    expect(verifierMatches(await storedPassword(), 'another password')).toBe(false);
  });

  it('logs in and reads the tables and the views', async () => {
    bi = await connectAs(database.connection, role, password);
    const { rows } = await bi.query<{ session_id: string }>(
      'SELECT session_id FROM bi_conversations',
    );
    expect(rows).toEqual([{ session_id: 'session_1' }]);
    const volume = await bi.query('SELECT * FROM bi_daily_volume');
    expect(volume.rowCount).toBe(0);
  });

  it('starts every session read-only', async () => {
    const { rows } = await bi.query<{ default_transaction_read_only: string }>(
      'SHOW default_transaction_read_only',
    );
    expect(rows).toEqual([{ default_transaction_read_only: 'on' }]);
    expect(await sqlState(bi.query(`UPDATE conversations SET state = 'resolved'`))).toBe(
      READ_ONLY_SQL_TRANSACTION,
    );
  });

  it('holds no privilege to write, even with read-only sessions turned off', async () => {
    await bi.query('SET default_transaction_read_only = off');
    const attempts = [
      `INSERT INTO conversations (session_id, website_id, observed_at, sync_source)
         VALUES ('session_2', 'w1', now(), 'backfill')`,
      `UPDATE conversations SET state = 'resolved'`,
      `DELETE FROM conversations`,
      `TRUNCATE sync_state`,
      `CREATE TABLE bi_scratch (x int)`,
      `CREATE VIEW bi_scratch AS SELECT 1`,
      `DROP VIEW bi_daily_volume`,
      `SELECT nextval('conversations_id_seq')`,
    ];
    for (const sql of attempts) {
      expect([sql, await sqlState(bi.query(sql))]).toEqual([sql, INSUFFICIENT_PRIVILEGE]);
    }
    const { rows } = await admin.query<{ state: string }>('SELECT state FROM conversations');
    expect(rows).toEqual([{ state: 'pending' }]);
  });

  it('is idempotent, keeps its password when given none, and takes back any write privilege', async () => {
    const before = await storedPassword();
    await admin.query(`GRANT INSERT, UPDATE ON conversations TO ${admin.escapeIdentifier(role)}`);
    await admin.query(`ALTER ROLE ${admin.escapeIdentifier(role)} CREATEDB`);
    output.length = 0;
    expect(await createBiRoleCli([role], cliIo())).toBe(0);
    expect(output.join('\n')).toContain(`Role "${role}" updated`);
    expect(output.join('\n')).toContain('Its password is unchanged.');
    expect(await storedPassword()).toBe(before);
    const { rows } = await admin.query<Record<string, boolean>>(
      `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,
         has_table_privilege(rolname, 'conversations', 'SELECT') AS can_select,
         has_table_privilege(rolname, 'conversations', 'INSERT') AS can_insert,
         has_table_privilege(rolname, 'conversations', 'UPDATE') AS can_update,
         has_schema_privilege(rolname, 'public', 'CREATE') AS can_create
       FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    expect(rows).toEqual([
      {
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
        rolbypassrls: false,
        can_select: true,
        can_insert: false,
        can_update: false,
        can_create: false,
      },
    ]);
  });

  it('changes the password when run again with a new one', async () => {
    output.length = 0;
    expect(await createBiRoleCli([role, 'a new password'], cliIo())).toBe(0);
    expect(output.join('\n')).not.toContain('a new password');
    expect(verifierMatches(await storedPassword(), 'a new password')).toBe(true);
  });

  it('refuses the user the service connects as, superusers and malformed names', async () => {
    const { rows } = await admin.query<{ user: string }>('SELECT current_user AS user');
    await expect(applyBiRole(admin, rows[0].user)).rejects.toThrow(
      /the user the service connects as/,
    );
    const superuser = `${role}_super`;
    await admin.query(`CREATE ROLE ${superuser} SUPERUSER`);
    try {
      await expect(applyBiRole(admin, superuser)).rejects.toThrow(/is a superuser/);
    } finally {
      await admin.query(`DROP ROLE ${superuser}`);
    }
    output.length = 0;
    expect(await createBiRoleCli(['Robert"; DROP TABLE conversations; --'], cliIo())).toBe(2);
    expect(await createBiRoleCli(['pg_reader'], cliIo())).toBe(2);
    expect(await createBiRoleCli([], cliIo())).toBe(2);
    expect(await createBiRoleCli([role, '-'], cliIo('\n'))).toBe(2);
    expect(output.join('\n')).toMatch(/usage: npm run db:create-bi-role/);
  });

  it('makes the verifier PostgreSQL itself makes of a password, for the salt it chose', async () => {
    const probe = `${role}_probe`;
    await admin.query(`SET password_encryption = 'scram-sha-256'`);
    await admin.query(`CREATE ROLE ${probe} PASSWORD 'pencil'`);
    try {
      const { rows } = await admin.query<{ rolpassword: string }>(
        'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
        [probe],
      );
      const salt = /^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(rows[0].rolpassword)?.[1] ?? '';
      expect(scramVerifier('pencil', Buffer.from(salt, 'base64'))).toBe(rows[0].rolpassword);
    } finally {
      await admin.query(`DROP ROLE ${probe}`);
    }
  });

  it('sends the server a verifier, never the password', async () => {
    const sent: string[] = [];
    const recording = new Client(toPgClientConfig(database.connection));
    await recording.connect();
    const query = recording.query.bind(recording) as (text: string, values?: unknown[]) => unknown;
    const record = (text: string, values?: unknown[]) => {
      sent.push(`${text} ${JSON.stringify(values ?? [])}`);
      return query(text, values);
    };
    jest.spyOn(recording, 'query').mockImplementation(record);
    try {
      await applyBiRole(recording, role, 'a password never sent');
    } finally {
      await recording.end();
    }
    expect(sent.join('\n')).toContain('SCRAM-SHA-256$4096:');
    expect(sent.join('\n')).not.toContain('a password never sent');
    expect(verifierMatches(await storedPassword(), 'a password never sent')).toBe(true);
  });

  it('can neither create a temporary table, nor run a 10 s query, nor open many connections', async () => {
    const reader = await connectAs(database.connection, role, 'a password never sent');
    const others: Client[] = [];
    try {
      // BEGIN READ WRITE undoes the read-only default: the privilege itself must be gone.
      await reader.query('BEGIN READ WRITE');
      expect(await sqlState(reader.query('CREATE TEMP TABLE scratch (x int)'))).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
      await reader.query('ROLLBACK');
      const started = Date.now();
      expect(await sqlState(reader.query('SELECT pg_sleep(10)'))).toBe(QUERY_CANCELED);
      expect(Date.now() - started).toBeLessThan(9_000);
      let refused: string | undefined;
      for (let i = 0; i < BI_ROLE_LIMITS.connections + 1 && !refused; i += 1) {
        refused = await sqlState(
          connectAs(database.connection, role, 'a password never sent').then((client) =>
            others.push(client),
          ),
        );
      }
      expect(refused).toBe(TOO_MANY_CONNECTIONS);
      // bi (from the tests above) and reader hold two of the five.
      expect(others).toHaveLength(BI_ROLE_LIMITS.connections - 2);
    } finally {
      await Promise.all([reader, ...others].map((client) => client.end()));
    }
  });

  it('can take no advisory lock, so cannot hold up leader election or a backfill; the service still can', async () => {
    const reader = await connectAs(database.connection, role, 'a password never sent');
    try {
      const attempts = [
        `SELECT pg_try_advisory_lock(hashtext('crisp-basedash:rtm-leader'))`,
        `SELECT pg_advisory_lock(hashtext('crisp-basedash:rtm-leader'))`,
        `SELECT pg_try_advisory_lock(1, 2)`,
        `SELECT pg_advisory_lock_shared(7)`,
        `SELECT pg_try_advisory_xact_lock(7)`,
        `SELECT pg_advisory_xact_lock_shared(7)`,
        `SELECT pg_advisory_unlock_all()`,
      ];
      for (const sql of attempts) {
        expect([sql, await sqlState(reader.query(sql))]).toEqual([sql, INSUFFICIENT_PRIVILEGE]);
      }
    } finally {
      await reader.end();
    }
    const { rows } = await admin.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('crisp-basedash:rtm-leader')) AS locked`,
    );
    expect(rows).toEqual([{ locked: true }]);
    await admin.query(`SELECT pg_advisory_unlock(hashtext('crisp-basedash:rtm-leader'))`);
  });

  it('drops, when run again, the memberships the role was given since', async () => {
    const writer = `${role}_writer`;
    await admin.query(`CREATE ROLE ${writer}`);
    try {
      await admin.query(`GRANT INSERT ON conversations TO ${writer}`);
      await admin.query(`GRANT ${writer} TO ${admin.escapeIdentifier(role)}`);
      expect(await createBiRoleCli([role], cliIo())).toBe(0);
      const { rows } = await admin.query<{ member_of: string[]; can_insert: boolean }>(
        `SELECT ARRAY(SELECT roleid::regrole::text FROM pg_auth_members
                        WHERE member = $1::regrole) AS member_of,
                has_table_privilege($1, 'conversations', 'INSERT') AS can_insert`,
        [role],
      );
      expect(rows).toEqual([{ member_of: [], can_insert: false }]);
    } finally {
      await admin.query(`REVOKE INSERT ON conversations FROM ${writer}`);
      await admin.query(`DROP ROLE ${writer}`);
    }
  });
});
