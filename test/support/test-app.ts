import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import type { AppConfig } from '../../src/config/app-config';
import { loadAppConfig } from '../../src/config/load-app-config';
import type { DatabaseConnection } from '../../src/database/database-connection';
import { configureHttpApp } from '../../src/http-app';

/** Configuration for a test: the given variables only, never the developer's `.env`. */
export function testConfig(variables: Record<string, string> = {}): AppConfig {
  return loadAppConfig(
    { NODE_ENV: 'test', DB_RUN_MIGRATIONS: 'false', ...variables },
    '/nonexistent/.env',
  );
}

/** The real application, wired to a test database, not listening on a port. */
export async function createTestApp(
  connection: DatabaseConnection,
  config: AppConfig = testConfig(),
  logger?: Logger,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(config, connection)],
  }).compile();
  const app = configureHttpApp(
    moduleRef.createNestApplication<NestExpressApplication>({
      logger: ['error', 'warn'],
      bodyParser: false,
    }),
    logger,
  );
  await app.init();
  return app;
}
