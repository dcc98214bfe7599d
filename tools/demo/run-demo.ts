/**
 * `npm run demo`: the Crisp simulator with live synthetic traffic, a PostgreSQL (embedded unless
 * DATABASE_URL / DB_HOST is set) and the service wired to both, in one process, so a newcomer
 * watches conversations arrive and can query them without Crisp credentials.
 *
 *   npm run demo        (PORT 4000, embedded PostgreSQL on 5434 in .data/demo-postgres;
 *                        DEMO_SEED, DEMO_CONVERSATIONS, DEMO_RATE, DEMO_PROGRESS_MS)
 *
 * The service starts as src/main.ts starts it, with the same building blocks; only its Crisp
 * settings point at the simulator.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BackfillService } from '../../src/backfill/backfill.service';
import { ConfigValidationError } from '../../src/config/validate-environment';
import { loadAppConfig } from '../../src/config/load-app-config';
import { describeConnection } from '../../src/database/database-connection';
import {
  embeddedConnectionLine,
  openDatabaseServer,
  type DatabaseServer,
} from '../../src/database/database-server';
import { createHttpApp } from '../../src/http-app';
import { listenAsConfigured } from '../../src/http-listen';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { CrispSimulator } from '../crisp-simulator';
import { banner, DemoProgress } from './demo-report';
import { demoEnvironment, demoSettings } from './demo-settings';

/** Same as src/main.ts, which keeps it private (see the note in tools/demo/README.md). */

/** Everything started so far, so a signal or a failure half-way stops exactly that. */
interface Running {
  stopping: boolean;
  simulator?: CrispSimulator;
  database?: DatabaseServer;
  app?: NestExpressApplication;
  progressTimer?: NodeJS.Timeout;
}

const logger = new Logger('Demo');

async function startDemo(running: Running): Promise<void> {
  const settings = demoSettings(process.env);
  const simulator = new CrispSimulator({
    seed: settings.seed,
    generate: { websites: 1, conversationsPerWebsite: settings.conversations },
    // Every generated conversation may get live activity, not only the 20 most recent.
    traffic: { rate: settings.rate, conversations: settings.conversations },
  });
  running.simulator = simulator;
  const urls = await simulator.start();
  const [websiteId] = simulator.truth.websiteIds();

  const config = loadAppConfig(
    demoEnvironment(process.env, { restUrl: urls.restUrl, rtmUrl: urls.rtmUrl, websiteId }),
  );
  // With a hook secret configured, events also come through POST /crisp/webhooks, as with a
  // real plugin; the service stores an event arriving by both doors once.
  const webhookSecret = config.realtime.webhookSecret;
  if (webhookSecret) {
    simulator.configureWebhook({
      url: `http://127.0.0.1:${config.port}/crisp/webhooks`,
      secret: webhookSecret,
    });
  }

  const database = await openDatabaseServer(config);
  running.database = database;
  // The embedded server's password is in a file: PGPASSFILE lets psql read it from there.
  const url = describeConnection({ ...database.connection, password: undefined });
  const psql = database.passwordFile
    ? `PGPASSFILE=${database.passwordFile} psql ${url}`
    : `psql ${describeConnection(database.connection)}`;
  if (database.embedded) logger.log(embeddedConnectionLine(database));

  const app = await createHttpApp(config, database.connection);
  running.app = app;
  // Traffic waits for the first RTM authentication so that the service's first catch-up and
  // the live events both show in the log, in that order, instead of events nobody hears.
  app.get(RtmListenerService).onConnected(() => {
    if (simulator.traffic.running || running.stopping) return;
    logger.log(`Live traffic started: ~${settings.rate} actions/s`);
    simulator.traffic.start();
  });
  logger.log('Database connection successfully connected');
  logger.log(await listenAsConfigured(app, config));

  // The equivalent of POST /crisp/backfill/:websiteId, so the history shows too.
  const { status: backfill } = await app.get(BackfillService).startOrJoin(websiteId);

  const sample = simulator.truth.queryConversations(websiteId)[0];
  console.log(
    banner({
      port: config.port,
      psql,
      embeddedDatabase: database.embedded,
      simulatorUrl: urls.restUrl,
      websiteId,
      conversations: simulator.truth.conversationCount(),
      messages: simulator.truth.messageCount(),
      rate: settings.rate,
      sampleSessionId: sample?.session_id ?? '<session id>',
      backfillJobId: backfill.id,
      webhooks: Boolean(webhookSecret),
      progressIntervalMs: settings.progressIntervalMs,
    }),
  );

  const progress = new DemoProgress(app, simulator, backfill.id);
  running.progressTimer = setInterval(() => {
    progress.line().then(
      (line) => logger.log(line),
      // A progress line is not worth stopping the demo for (the database may be restarting).
      (error: unknown) => logger.warn(`Progress not available: ${String(error)}`),
    );
  }, settings.progressIntervalMs);
}

/** Traffic first (no events into a closing service), then the service, Crisp, PostgreSQL. */
async function stopDemo(running: Running): Promise<void> {
  clearInterval(running.progressTimer);
  running.simulator?.traffic.stop();
  await running.app?.close();
  await running.simulator?.stop();
  await running.database?.close();
}

function main() {
  const running: Running = { stopping: false };
  // Stopping waits for the start-up under way to settle, so that a PostgreSQL still starting
  // when Ctrl-C arrives is stopped too rather than left running without its parent.
  let started: Promise<void> = Promise.resolve();
  const stop = (exitCode: number) => {
    if (running.stopping) return;
    running.stopping = true;
    started
      .catch(() => undefined)
      .then(() => stopDemo(running))
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  // Registered before anything starts: a Ctrl-C during start-up still stops PostgreSQL.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      logger.log(`${signal} received: shutting down`);
      stop(0);
    });
  }
  started = startDemo(running);
  started.catch((error: unknown) => {
    if (error instanceof ConfigValidationError) console.error(error.message);
    else console.error('Demo start-up failed:', error instanceof Error ? error.message : error);
    stop(1);
  });
}

main();
