import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { ConfigValidationError } from './config/validate-environment';
import { loadAppConfig } from './config/load-app-config';
import {
  embeddedConnectionLine,
  openDatabaseServer,
  type DatabaseServer,
} from './database/database-server';
import { createHttpApp } from './http-app';
import { listenAsConfigured } from './http-listen';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { createRootLogger } from './logging/root-logger';

/** What is running so far, for a signal that arrives at any point. */
interface Running {
  app?: INestApplication;
  database?: DatabaseServer;
}

const logger = new Logger('Bootstrap');

async function bootstrap(running: Running) {
  const config = loadAppConfig();
  const rootLogger = createRootLogger(config.logging);
  Logger.overrideLogger(new NestPinoLogger(rootLogger));
  const database = await openDatabaseServer(config);
  running.database = database;
  if (database.embedded) logger.log(embeddedConnectionLine(database));
  running.app = await createHttpApp(config, database.connection, rootLogger);
  logger.log('Database connection successfully connected');
  logger.log(await listenAsConfigured(running.app, config));
}

/** The service first (flush, checkpoint, release), the database it writes to last. */
async function stop(running: Running) {
  await running.app?.close();
  await running.database?.close();
}

/**
 * Registered before anything starts: a signal during start-up waits for it, then stops what
 * started (an embedded PostgreSQL included). SIGHUP too: a closed terminal must not cut it short.
 */
function stopOnSignals(started: Promise<void>, running: Running) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    started
      .catch(() => undefined)
      .then(() => stop(running))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
}

const running: Running = {};
const started = bootstrap(running);
stopOnSignals(started, running);
started.catch(async (error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Start-up failed:', error instanceof Error ? error.message : error);
  // An embedded PostgreSQL started for a service that failed to start has no one else to stop it.
  await stop(running).catch(() => undefined);
  process.exit(1);
});
