import { createMigratedTemplate, shareAdminConnection } from './test-databases';
import { startTestDatabaseServer, type TestDatabaseServer } from './test-database-server';

declare global {
  var crispTestDatabaseServer: TestDatabaseServer | undefined;
}

export default async function globalSetup() {
  // Suites that need the built service build it once per run (see buildServiceOnce).
  process.env.CRISP_TEST_RUN_ID = `${process.pid}-${Date.now()}`;
  const server = await startTestDatabaseServer();
  globalThis.crispTestDatabaseServer = server;
  await createMigratedTemplate(server.admin);
  shareAdminConnection(server.admin);
}
