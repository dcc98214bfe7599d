import { INestApplication, ValidationPipe } from '@nestjs/common';
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
