import { biRoleStatements, roleNameProblem } from './bi-role';

describe('biRoleStatements', () => {
  const request = { role: 'basedash', database: 'crisp', schema: 'public' };

  it('grants CONNECT, USAGE and SELECT, with default privileges, and nothing more', () => {
    const statements = biRoleStatements(request);
    const grants = statements.filter((sql) => /^(GRANT|ALTER DEFAULT)/.test(sql));
    expect(grants).toEqual([
      'GRANT CONNECT ON DATABASE "crisp" TO "basedash"',
      'GRANT USAGE ON SCHEMA "public" TO "basedash"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "basedash"',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "basedash"',
    ]);
  });

  it('sets no password unless given one, and quotes the one given', () => {
    expect(biRoleStatements(request).join('\n')).not.toContain('PASSWORD');
    const alter = biRoleStatements({ ...request, password: `it's a \\ secret` }).find((sql) =>
      sql.includes('PASSWORD'),
    );
    expect(alter).toBe(
      `ALTER ROLE "basedash" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD  E'it''s a \\\\ secret'`,
    );
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
