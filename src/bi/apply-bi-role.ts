import type { ClientBase } from 'pg';
import { biRoleStatements, roleNameProblem } from './bi-role';

export interface BiRoleOutcome {
  created: boolean;
  database: string;
  schema: string;
  /**
   * The role can still create objects in the schema through a grant to PUBLIC (the default of
   * PostgreSQL before 15): only the schema owner can take that away, for everyone at once.
   */
  publicCanCreate: boolean;
  /**
   * The role can still take advisory locks, and so stall the service's leader election: only a
   * superuser can revoke them from PUBLIC, and the service does not connect as one.
   */
  canTakeAdvisoryLocks: boolean;
}

interface Session {
  current_user: string;
  database: string;
  schema: string | null;
}

/**
 * Creates or updates the read-only BI role on the database `client` is connected to, in its
 * current schema, in one transaction. Refuses the connected user itself and superusers: making
 * them read-only would lock the service (or an administrator) out.
 */
export async function applyBiRole(
  client: ClientBase,
  role: string,
  password?: string,
): Promise<BiRoleOutcome> {
  const problem = roleNameProblem(role);
  if (problem) throw new Error(problem);
  const { rows: sessions } = await client.query<Session>(
    'SELECT current_user, current_database() AS database, current_schema() AS schema',
  );
  const { current_user: currentUser, database } = sessions[0];
  const schema = sessions[0].schema ?? 'public';
  if (role === currentUser) {
    throw new Error(`"${role}" is the user the service connects as; give the BI role its own name`);
  }
  const { rows: existing } = await client.query<{ rolsuper: boolean }>(
    'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
    [role],
  );
  if (existing[0]?.rolsuper) {
    throw new Error(`"${role}" is a superuser; give the BI role a name of its own`);
  }
  const statements = biRoleStatements({ role, database, schema, password });
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  const { rows: privileges } = await client.query<{ can_create: boolean; can_lock: boolean }>(
    `SELECT has_schema_privilege($1, $2, 'CREATE') AS can_create,
       has_function_privilege($1, 'pg_try_advisory_lock(bigint)', 'EXECUTE') AS can_lock`,
    [role, schema],
  );
  return {
    created: existing.length === 0,
    database,
    schema,
    publicCanCreate: privileges[0].can_create,
    canTakeAdvisoryLocks: privileges[0].can_lock,
  };
}
