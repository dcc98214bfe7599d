import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { WireEvent } from '../../tools/crisp-simulator';
import { createAppOnSimulator } from './crisp-test-setup';
import { startSimulatedWebsite } from './simulated-website';
import { createTestDatabase, type TestDatabase } from './test-databases';

export const HOOK_SECRET = 'doors-webhook-secret';

export interface SetAsideRowSeen {
  door: string;
  event: string;
  reason: string;
  payload: string;
}

/**
 * The service listening for Plugin Hooks from a simulator of one website (3 conversations),
 * sent once each (no retry, so a 5xx shows), with helpers to send any shape and read what was
 * set aside.
 */
export async function startHookDoor(seed: number, variables: Record<string, string> = {}) {
  const { truth, websiteId, simulator } = await startSimulatedWebsite(seed, 3, () => 2);
  const database: TestDatabase = await createTestDatabase();
  const app: INestApplication = await createAppOnSimulator(database.connection, simulator.restUrl, {
    CRISP_WEBHOOK_SECRET: HOOK_SECRET,
    CRISP_WEBSITE_IDS: websiteId,
    RECONCILE_INTERVAL_MS: '0',
    ...variables,
  });
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  simulator.configureWebhook({
    url: `http://127.0.0.1:${port}/crisp/webhooks`,
    secret: HOOK_SECRET,
    attempts: 1,
    timeoutMs: 15_000,
  });
  const send = (event: WireEvent) => simulator.webhooks!.send(event);
  return {
    truth,
    websiteId,
    simulator,
    database,
    app,
    dataSource,
    sessions: () => [...truth.getWebsite(websiteId)!.conversations.keys()],
    // Shapes Crisp may send that the simulator's typed events do not describe, sent as they are.
    hook: (event: string, data: Record<string, unknown>): WireEvent => ({
      event,
      data: { ...data, website_id: websiteId },
    }),
    send,
    statusOf: async (event: WireEvent) => (await send(event)).attempts[0].status,
    setAside: (where: string, params: unknown[] = []) =>
      dataSource.query<SetAsideRowSeen[]>(
        `SELECT door, event, reason, payload FROM set_aside_events WHERE ${where} ORDER BY id`,
        params,
      ),
    async close() {
      await app.close();
      await simulator.stop();
      await database.drop();
    },
  };
}

export type HookDoor = Awaited<ReturnType<typeof startHookDoor>>;
