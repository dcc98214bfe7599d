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
  return app;
}
