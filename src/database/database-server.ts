import type { AppConfig } from '../config/app-config';
import type { DatabaseConnection } from './database-connection';
import { EmbeddedPostgresServer } from './embedded-postgres.server';

export const EMBEDDED_DATABASE_NAME = 'crisp';

/** The database the service uses: the configured one, or an embedded one started for it. */
export interface DatabaseServer {
  connection: DatabaseConnection;
  embedded: boolean;
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
  return { connection: server.connection, embedded: true, close: () => server.stop() };
}
