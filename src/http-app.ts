import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { UnauthenticatedRateLimit } from './auth/unauthenticated-rate-limit';
import { REQUEST_BODY_LIMIT_BYTES } from './common/request-body-limit';
import type { AppConfig } from './config/app-config';
import type { DatabaseConnection } from './database/database-connection';
import { HttpErrorFilter } from './common/http-error.filter';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { requestLogging } from './logging/request-logging';
import { createRootLogger, silentLogger } from './logging/root-logger';
import { setUpOpenApi } from './openapi/open-api';
import { isWebHookPath } from './common/webhook-paths';

/** What the JSON parser takes: `application/json`, on any route but a Web Hook's. */
function isJsonOutsideWebHooks(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?')[0];
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' && !isWebHookPath(path);
}

/**
 * What every HTTP instance of the service needs, in the app and in the e2e tests alike (created
 * with `bodyParser: false`). Request ids come first, so that even a refused request is answered
 * with one; then the per-address limit on requests without a valid token, before anything reads
 * a body; then JSON bodies (above 1 MB a 413), except on Web Hook routes, which read theirs
 * themselves to check its signature or key before anything parses it.
 */
export function configureHttpApp(
  app: NestExpressApplication,
  logger: Logger = silentLogger(),
): NestExpressApplication {
  app.use(requestLogging(logger));
  app.use(app.get(UnauthenticatedRateLimit).middleware());
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT_BYTES, type: isJsonOutsideWebHooks });
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
  setUpOpenApi(app);
  return app;
}

/** The service as an HTTP application (not yet listening), logging through `logger`. */
export async function createHttpApp(
  config: AppConfig,
  connection: DatabaseConnection,
  logger: Logger = createRootLogger(config.logging),
) {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, connection),
    { bodyParser: false, logger: new NestPinoLogger(logger) },
  );
  return configureHttpApp(app, logger);
}
