import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from './config/environment-variables';
import { loadAppConfig } from './config/load-app-config';
import { embeddedConnectionLine, openDatabaseServer } from './database/database-server';
import { createHttpApp } from './http-app';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { createRootLogger } from './logging/root-logger';

async function bootstrap() {
  const config = loadAppConfig();
  const rootLogger = createRootLogger(config.logging);
  Logger.overrideLogger(new NestPinoLogger(rootLogger));
  const logger = new Logger('Bootstrap');
  const database = await openDatabaseServer(config);
  if (database.embedded) logger.log(embeddedConnectionLine(database));
  try {
    const app = await createHttpApp(config, database.connection, rootLogger);
    logger.log('Database connection successfully connected');
    await app.listen(config.port);
    logger.log(`Server is running on port ${config.port}`);
    // The service first (flush, checkpoint, release), the database it writes to last.
    stopOnSignals(async () => {
      await app.close();
      await database.close();
    }, logger);
  } catch (error) {
    // An embedded PostgreSQL started for a service that failed to start has no one to stop it.
    await database.close();
    throw error;
  }
}

/** SIGHUP too: a closed terminal must not cut the shutdown short either. */
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
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Start-up failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
