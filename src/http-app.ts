import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import type { DatabaseConnection } from './database/database-connection';
import { HttpErrorFilter } from './common/http-error.filter';

/** What every HTTP instance of the service needs, in the app and in the e2e tests alike. */
export function configureHttpApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: true,
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  const express = app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void };
  // Mirrored data changes all the time, so a 304 is rare; hashing every body for an ETag is not.
  express.set('etag', false);
  express.set('x-powered-by', false);
  return app;
}

const REQUEST_BODY_LIMIT = '1mb';

/**
 * The service as an HTTP application (not yet listening). The raw body is kept for Web Hook
 * signatures; bodies above 1 MB are refused.
 */
export async function createHttpApp(config: AppConfig, connection: DatabaseConnection) {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, connection),
    {
      bodyParser: false,
      rawBody: true,
    },
  );
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  configureHttpApp(app);
  return app;
}
