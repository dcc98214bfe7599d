export default async function globalTeardown() {
  await globalThis.crispTestDatabaseServer?.stop();
}
