/** Where the service's PostgreSQL is, in the shape TypeORM and node-postgres both accept. */
export interface DatabaseConnection {
  url?: string;
  host?: string;
  port: number;
  username?: string;
  password?: string;
  database?: string;
  ssl: false | { rejectUnauthorized: boolean };
}

/** A connection string safe to log: the password, if any, is never part of it. */
export function describeConnection(connection: DatabaseConnection): string {
  if (connection.url) {
    const url = new URL(connection.url);
    if (url.password) url.password = '***';
    return url.toString();
  }
  const user = connection.username ? `${encodeURIComponent(connection.username)}@` : '';
  const password = connection.password ? ' (password from DB_PASSWORD)' : '';
  return `postgresql://${user}${connection.host}:${connection.port}/${connection.database ?? ''}${password}`;
}

/** node-postgres client options for a connection (used outside TypeORM: migrations CLI, tests, bench). */
export function toPgClientConfig(connection: DatabaseConnection) {
  return {
    connectionString: connection.url,
    host: connection.host,
    port: connection.port,
    user: connection.username,
    password: connection.password,
    database: connection.database,
    ssl: connection.ssl,
  };
}

/** The environment variables that point the service at this database (tests and benchmarks). */
export function toEnvironmentVariables(connection: DatabaseConnection): Record<string, string> {
  if (connection.url) return { DATABASE_URL: connection.url };
  const variables: Record<string, string> = {
    DB_HOST: connection.host ?? '127.0.0.1',
    DB_PORT: String(connection.port),
    DB_NAME: connection.database ?? 'postgres',
  };
  if (connection.username) variables.DB_USERNAME = connection.username;
  if (connection.password) variables.DB_PASSWORD = connection.password;
  return variables;
}
