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
