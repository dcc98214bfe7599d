import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConnection } from '../../src/database/database-connection';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';

/**
 * The PostgreSQL server the tests use: the one named by TEST_DATABASE_URL or DATABASE_URL when
 * set (its user needs CREATEDB), otherwise an embedded one in a temporary folder.
 */
export interface TestDatabaseServer {
  /** A connection to a maintenance database of that server, for CREATE/DROP DATABASE. */
  admin: DatabaseConnection;
  stop(): Promise<void>;
}

export async function startTestDatabaseServer(
  url: string | null = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? null,
): Promise<TestDatabaseServer> {
  if (url) return { admin: { url, port: 5432, ssl: false }, stop: () => Promise.resolve() };
  const folder = mkdtempSync(join(tmpdir(), 'crisp-test-pg-'));
  // Postgres runs as its own user when the tests run as root; it must reach its data folder.
  chmodSync(folder, 0o755);
  const server = await EmbeddedPostgresServer.start({
    dataDirectory: join(folder, 'data'),
    port: await freePort(),
    database: 'postgres',
  });
  return {
    admin: server.connection,
    stop: async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
