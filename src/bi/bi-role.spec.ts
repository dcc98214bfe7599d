import { biRoleStatements, roleNameProblem } from './bi-role';

describe('biRoleStatements', () => {
  const request = { role: 'basedash', database: 'crisp', schema: 'public' };

  it('grants CONNECT, USAGE and SELECT, with default privileges, and nothing more', () => {
    const statements = biRoleStatements(request);
    const grants = statements.filter((sql) => /^(GRANT|ALTER DEFAULT)/.test(sql));
    expect(grants).toEqual([
      'GRANT CONNECT ON DATABASE "crisp" TO "basedash"',
      // The service's own user keeps the temporary tables PUBLIC no longer has.
      'GRANT TEMPORARY ON DATABASE "crisp" TO CURRENT_USER',
      'GRANT USAGE ON SCHEMA "public" TO "basedash"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "basedash"',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "basedash"',
    ]);
  });

  it('sets no password unless given one, and sends a SCRAM verifier of it, never the password', () => {
    expect(biRoleStatements(request).join('\n')).not.toContain('PASSWORD');
    const statements = biRoleStatements({ ...request, password: `it's a \\ secret` });
    const alter = statements.find((sql) => sql.includes('PASSWORD'));
    expect(alter).toMatch(
      /^ALTER ROLE "basedash" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5 PASSWORD 'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}'$/,
    );
    expect(statements.join('\n')).not.toContain('secret');
  });

  it('limits connections, statement time and temporary tables, and drops every membership', () => {
    const sql = biRoleStatements(request).join('\n');
    expect(sql).toContain(`ALTER ROLE "basedash" SET statement_timeout = '5s'`);
    expect(sql).toContain(`REVOKE TEMPORARY ON DATABASE "crisp" FROM PUBLIC`);
    expect(sql).toContain(`REVOKE TEMPORARY ON DATABASE "crisp" FROM "basedash"`);
    expect(sql).toMatch(/FROM pg_auth_members[\s\S]*REVOKE %s FROM %I/);
  });

  it('quotes the database and schema names', () => {
    const sql = biRoleStatements({ ...request, database: 'my"db', schema: 'Crisp' }).join('\n');
    expect(sql).toContain('GRANT CONNECT ON DATABASE "my""db" TO "basedash"');
    expect(sql).toContain('GRANT USAGE ON SCHEMA "Crisp" TO "basedash"');
  });

  it('refuses a role name that would need quoting or that PostgreSQL reserves', () => {
    expect(roleNameProblem('basedash_ro')).toBeNull();
    for (const name of [
      '',
      'Basedash',
      '1bi',
      'bi-tool',
      'bi"; DROP ROLE x; --',
      'pg_bi',
      'a'.repeat(64),
    ]) {
      expect(roleNameProblem(name)).not.toBeNull();
      expect(() => biRoleStatements({ ...request, role: name })).toThrow();
    }
  });
});
