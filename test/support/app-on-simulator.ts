import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createAppOnSimulator } from './crisp-test-setup';
import { startSimulatedWebsite } from './simulated-website';
import { createTestDatabase } from './test-databases';

export const APP_HOOK_SECRET = 'app-on-simulator-secret';

export interface SimulatedSite {
  seed: number;
  conversations: number;
  messagesOf: (index: number) => number;
  /** How far back the conversations start (see startSimulatedWebsite). */
  agoMs?: number;
}

/**
 * The service on a database of its own, listening, with the simulator's Web Hooks pointed at
 * it (and RTM too if `variables` enable it), for one simulated website.
 */
export async function startAppOnSimulator(site: SimulatedSite, variables: Record<string, string>) {
  const started = await startSimulatedWebsite(
    site.seed,
    site.conversations,
    site.messagesOf,
    site.agoMs,
  );
  const database = await createTestDatabase();
  const app = await createAppOnSimulator(database.connection, started.simulator.restUrl, {
    CRISP_WEBHOOK_SECRET: APP_HOOK_SECRET,
    CRISP_WEBSITE_IDS: started.websiteId,
    RECONCILE_INTERVAL_MS: '0',
    ...variables,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  started.simulator.configureWebhook({
    url: `http://127.0.0.1:${port}/crisp/webhooks`,
    secret: APP_HOOK_SECRET,
  });
  return {
    ...started,
    database,
    app,
    dataSource: app.get(DataSource),
    async close() {
      await app.close();
      await started.simulator.stop();
      await database.drop();
    },
  };
}

export type AppOnSimulator = Awaited<ReturnType<typeof startAppOnSimulator>>;
