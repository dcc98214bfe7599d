import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { NestPinoLogger } from '../../src/logging/nest-pino-logger';
import { createRootLogger } from '../../src/logging/root-logger';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { INBOXES_PER_PAGE } from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { captureLines } from '../support/log-capture';
import { startSimulatedWebsite } from '../support/simulated-website';
import { testConfig } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

export const HOOK_SECRET = 'directory-webhook-secret';

/**
 * The service on a simulated website of 3 conversations and more inboxes than one page holds,
 * both doors on (RTM when `rtm`), every log line it writes (Nest's loggers, TypeORM's, the
 * request log) captured, started once its first directory refresh is stored.
 */
export async function startDirectoryApp(seed: number, variables: Record<string, string> = {}) {
  const { truth, websiteId, simulator } = await startSimulatedWebsite(seed, 3, () => 2);
  for (let i = truth.directory.inboxes(websiteId).length; i < INBOXES_PER_PAGE + 4; i += 1) {
    truth.directory.addInbox(websiteId, { inbox_id: `inbox-${seed}-${i}`, name: `Inbox ${i}` });
  }
  const logs = captureLines();
  const settings = { LOG_FORMAT: 'json', LOG_LEVEL: 'trace' };
  const logger = createRootLogger(testConfig(settings).logging, logs.stream);
  const database = await createTestDatabase();
  const app: INestApplication = await createAppOnSimulator(
    database.connection,
    simulator.restUrl,
    {
      CRISP_WEBHOOK_SECRET: HOOK_SECRET,
      CRISP_WEBSITE_IDS: websiteId,
      RECONCILE_INTERVAL_MS: '0',
      DIRECTORY_SYNC_ENABLED: 'true',
      DIRECTORY_REFRESH_MS: '0',
      DIRECTORY_HINT_DELAY_MS: '100',
      ...settings,
      ...variables,
    },
    logger,
  );
  // After the app is made: Nest's creation sets its own log levels (test-app.ts).
  Logger.overrideLogger(new NestPinoLogger(logger));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  simulator.configureWebhook({
    url: `http://127.0.0.1:${port}/crisp/webhooks`,
    secret: HOOK_SECRET,
  });
  const dataSource = app.get(DataSource);
  if (variables.CRISP_RTM_ENABLED === 'true') {
    const rtm = app.get(RtmListenerService);
    await eventually(() => expect(rtm.state).toBe('connected'));
  }
  const operators = truth.directory.operators(websiteId).length;
  await eventually(async () => {
    const [row]: { operators: number; open: number }[] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM operators) AS operators,
         (SELECT count(*)::int FROM operator_availability WHERE ended_at IS NULL) AS open`,
    );
    expect(row).toEqual({ operators, open: operators });
  });
  return {
    truth,
    websiteId,
    simulator,
    app,
    dataSource,
    logs,
    async close() {
      await app.close();
      await simulator.stop();
      await database.drop();
      Logger.overrideLogger(['error', 'warn']);
    },
  };
}

export type DirectoryApp = Awaited<ReturnType<typeof startDirectoryApp>>;
