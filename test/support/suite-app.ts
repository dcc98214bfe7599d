import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestApp, testConfig } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-databases';

export interface SuiteApp {
  app: () => INestApplication;
  http: () => ReturnType<typeof request>;
}

/**
 * The service on a database of its own for the enclosing `describe`, configured by
 * `variables`: made before its tests, closed and dropped after them.
 */
export function useSuiteApp(variables: Record<string, string>): SuiteApp {
  let database: TestDatabase | undefined;
  let app: INestApplication | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createTestApp(database.connection, testConfig(variables));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  const started = () => {
    if (!app) throw new Error('the suite app is not started yet');
    return app;
  };
  return { app: started, http: () => request(started().getHttpServer() as App) };
}
