import { escapeIdentifier, escapeLiteral } from 'pg';
import { scramVerifier } from '../database/scram-verifier';

/** What one BI role may hold of the server: a few dashboards' connections, short queries. */
export const BI_ROLE_LIMITS = {
  connections: 5,
  statementTimeout: '5s',
  idleInTransactionTimeout: '60s',
} as const;

/**
 * Advisory locks elect the RTM leader and keep one runner per website, and any role may take any
 * of them: a BI user could hold the leader's lock (a second instance then waits for good) or a
 * website's. Only a superuser may change who runs these functions (they belong to the bootstrap
 * user), so a service that connects as one takes them from PUBLIC in this database (function
 * privileges are per database) and keeps them for its own user; otherwise the CLI warns.
 */
const ADVISORY_LOCKS_FOR_SERVICE_ONLY = `DO $$ DECLARE lock_function regprocedure; BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    FOR lock_function IN SELECT p.oid::regprocedure FROM pg_proc p
      WHERE p.pronamespace = 'pg_catalog'::regnamespace
        AND (p.proname LIKE 'pg\\_advisory\\_%' OR p.proname LIKE 'pg\\_try\\_advisory\\_%') LOOP
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', lock_function);
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', lock_function, current_user);
    END LOOP;
  END IF;
END $$`;

/** What a BI role is made of: who, where, and (when given) the password to set. */
export interface BiRoleRequest {
  role: string;
  database: string;
  schema: string;
  /** Omitted: a new role gets none, an existing one keeps its own. */
  password?: string;
}

/**
 * Lower-case letters, digits and `_` only, so that the name needs no quoting in any tool, and
 * never `pg_*`, which PostgreSQL reserves.
 */
export function roleNameProblem(role: string): string | null {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    return 'a role name is 1 to 63 lower-case letters, digits or _, not starting with a digit';
  }
  if (role.startsWith('pg_')) return 'role names starting with pg_ are reserved by PostgreSQL';
  return null;
}

/**
 * The statements that make `role` a read-only login for BI tools, to run in one transaction.
 * Idempotent: run again, they leave the same role. An existing role is brought back to exactly
 * this: any privilege it had on the schema's tables and sequences, or CREATE on the schema, is
 * revoked.
 * Default privileges cover the tables and views that later migrations (run by the user running
 * these statements) create.
 */
export function biRoleStatements({ role, database, schema, password }: BiRoleRequest): string[] {
  const problem = roleNameProblem(role);
  if (problem) throw new Error(problem);
  const who = escapeIdentifier(role);
  const where = escapeIdentifier(schema);
  const passwordClause =
    password === undefined ? '' : ` PASSWORD ${escapeLiteral(scramVerifier(password))}`;
  const name = escapeLiteral(role);
  return [
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${escapeLiteral(role)}) THEN
         CREATE ROLE ${who};
       END IF;
     END $$`,
    `ALTER ROLE ${who} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT ${BI_ROLE_LIMITS.connections}${passwordClause}`,
    // Whatever roles it was made a member of since, it keeps none of their privileges.
    `DO $$ DECLARE granted record; BEGIN
       FOR granted IN SELECT m.roleid::regrole::text AS name FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = ${name} LOOP
         EXECUTE format('REVOKE %s FROM %I', granted.name, ${name});
       END LOOP;
     END $$`,
    // A second lock: BI tools open read-only transactions even if a write privilege slips in.
    `ALTER ROLE ${who} SET default_transaction_read_only = on`,
    // A dashboard's runaway query must not hold the database (or the mirror's writes) for long.
    `ALTER ROLE ${who} SET statement_timeout = ${escapeLiteral(BI_ROLE_LIMITS.statementTimeout)}`,
    `ALTER ROLE ${who} SET idle_in_transaction_session_timeout = ${escapeLiteral(BI_ROLE_LIMITS.idleInTransactionTimeout)}`,
    `GRANT CONNECT ON DATABASE ${escapeIdentifier(database)} TO ${who}`,
    // No temporary tables: PUBLIC may create them by default; the service's own user keeps it.
    `REVOKE TEMPORARY ON DATABASE ${escapeIdentifier(database)} FROM PUBLIC`,
    `REVOKE TEMPORARY ON DATABASE ${escapeIdentifier(database)} FROM ${who}`,
    `GRANT TEMPORARY ON DATABASE ${escapeIdentifier(database)} TO CURRENT_USER`,
    ADVISORY_LOCKS_FOR_SERVICE_ONLY,
    `REVOKE CREATE ON SCHEMA ${where} FROM ${who}`,
    `GRANT USAGE ON SCHEMA ${where} TO ${who}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${where} FROM ${who}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${where} FROM ${who}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${where} TO ${who}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${where} GRANT SELECT ON TABLES TO ${who}`,
  ];
}
