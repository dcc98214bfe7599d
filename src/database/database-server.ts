import type { AppConfig } from '../config/app-config';
import { describeConnection, type DatabaseConnection } from './database-connection';
import { EmbeddedPostgresServer } from './embedded-postgres.server';

export const EMBEDDED_DATABASE_NAME = 'crisp';

/** The database the service uses: the configured one, or an embedded one started for it. */
export interface DatabaseServer {
  connection: DatabaseConnection;
  embedded: boolean;
  /** With the embedded server: the file holding its password (mode 0600, libpq's format). */
  passwordFile?: string;
  close(): Promise<void>;
}

export async function openDatabaseServer(
  config: AppConfig,
  onLog?: (message: string) => void,
): Promise<DatabaseServer> {
  const settings = config.database;
  if (settings.kind === 'external') {
    const { url, host, port, username, password, database, ssl } = settings;
    const connection = { url, host, port, username, password, database, ssl };
    return { connection, embedded: false, close: () => Promise.resolve() };
  }
  const server = await EmbeddedPostgresServer.start({
    dataDirectory: settings.dataDirectory,
    port: settings.port,
    database: EMBEDDED_DATABASE_NAME,
    onLog,
  });
  return {
    connection: server.connection,
    embedded: true,
    passwordFile: server.passwordFile,
    close: () => server.stop(),
  };
}

/**
 * The seed's log line, kept as it started ("…; connect with: psql <url>"): the URL holds no
 * password, and the line says where the password is, in a form psql reads without a prompt.
 */
export function embeddedConnectionLine(server: DatabaseServer): string {
  const url = describeConnection({ ...server.connection, password: undefined });
  return (
    `Embedded PostgreSQL is running; connect with: psql ${url} ` +
    `(password in ${server.passwordFile}, mode 0600: PGPASSFILE=${server.passwordFile} psql ${url})`
  );
}
