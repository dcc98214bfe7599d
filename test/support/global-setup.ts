import { createMigratedTemplate, shareAdminConnection } from './test-databases';
import { startTestDatabaseServer, type TestDatabaseServer } from './test-database-server';

declare global {
  var crispTestDatabaseServer: TestDatabaseServer | undefined;
}

export default async function globalSetup() {
  const server = await startTestDatabaseServer();
  globalThis.crispTestDatabaseServer = server;
  await createMigratedTemplate(server.admin);
  shareAdminConnection(server.admin);
}
