import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from './config/environment-variables';
import { loadAppConfig } from './config/load-app-config';
import { describeConnection } from './database/database-connection';
import { openDatabaseServer } from './database/database-server';
import { createHttpApp } from './http-app';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { createRootLogger } from './logging/root-logger';

async function bootstrap() {
  const config = loadAppConfig();
  const rootLogger = createRootLogger(config.logging);
  Logger.overrideLogger(new NestPinoLogger(rootLogger));
  const logger = new Logger('Bootstrap');
  const database = await openDatabaseServer(config);
  if (database.embedded) {
    logger.log(
      `Embedded PostgreSQL is running; connect with: psql ${describeConnection(database.connection)}`,
    );
  }
  const app = await createHttpApp(config, database.connection, rootLogger);
  logger.log('Database connection successfully connected');
  await app.listen(config.port);
  logger.log(`Server is running on port ${config.port}`);
  stopOnSignals(async () => {
    await app.close();
    await database.close();
  }, logger);
}

function stopOnSignals(stop: () => Promise<void>, logger: Logger) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Start-up failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
