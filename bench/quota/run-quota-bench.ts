/**
 * Issue 13 item 7: what each entity costs in Crisp requests a day, measured on the simulator for
 * a website with 5,000 conversations a month. The service runs on the simulator with RTM and Web
 * Hooks; after its start-up reads settle, one day of live traffic (≈ 167 new conversations and
 * the activity the simulator's traffic mix brings with them) is played fast, and the REST calls it
 * caused are counted by route. Scheduled reads (the catch-up, directory refreshes) cost the same
 * whatever the traffic, and are printed from their schedule.
 *
 *   npm run bench:quota            (BENCH_CONVERSATIONS_PER_MONTH, default 5000)
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CrispRestService } from '../../src/crisp/crisp-rest.service';
import {
  CrispSimulator,
  DEFAULT_TRAFFIC_WEIGHTS,
  generateGroundTruth,
} from '../../tools/crisp-simulator';
import { createAppOnSimulator } from '../../test/support/crisp-test-setup';
import { openBenchDatabase } from '../support/bench-database';

const PER_MONTH = Number(process.env.BENCH_CONVERSATIONS_PER_MONTH ?? 5000);
const PER_DAY = PER_MONTH / 30;
const DAY_MS = 86_400_000;
const SECRET = 'quota-bench-webhook-secret';

type Calls = Record<string, number>;

function callsByRoute(app: INestApplication): Calls {
  const calls: Calls = {};
  for (const [route, byStatus] of Object.entries(app.get(CrispRestService).stats.snapshot())) {
    calls[route] = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  }
  return calls;
}

/** Waits until no REST call has been made for `quietMs`. */
async function settled(app: INestApplication, quietMs = 3000): Promise<Calls> {
  let last = JSON.stringify(callsByRoute(app));
  for (let still = 0; still < quietMs; still += 250) {
    await new Promise((done) => setTimeout(done, 250));
    const now = JSON.stringify(callsByRoute(app));
    if (now !== last) {
      last = now;
      still = -250;
    }
  }
  return callsByRoute(app);
}

function delta(after: Calls, before: Calls): Calls {
  return Object.fromEntries(
    Object.entries(after)
      .map(([route, count]) => [route, count - (before[route] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

async function main() {
  const now = Date.now();
  const truth = generateGroundTruth({
    seed: 13,
    conversationsPerWebsite: Math.round(PER_MONTH),
    startTime: now - 31 * DAY_MS,
    spanMs: 30 * DAY_MS,
  });
  const [websiteId] = truth.websiteIds();
  const simulator = new CrispSimulator({ seed: 13, truth });
  await simulator.start();
  const database = await openBenchDatabase('crisp_bench_quota');
  const app = await createAppOnSimulator(database.connection, simulator.restUrl, {
    CRISP_RTM_ENABLED: 'true',
    CRISP_WEBHOOK_SECRET: SECRET,
    CRISP_WEBSITE_IDS: websiteId,
    CRISP_DAILY_REQUEST_BUDGET: '1000000',
    CRISP_REQUESTS_PER_SECOND: '1000',
    RECONCILE_INTERVAL_MS: '0',
    PEOPLE_REFRESH_DEBOUNCE_MS: '500',
    CRISP_PEOPLE_BUDGET_SHARE: '20',
    DIRECTORY_SYNC_ENABLED: 'true',
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  simulator.configureWebhook({ url: `http://127.0.0.1:${port}/crisp/webhooks`, secret: SECRET });
  try {
    const startUp = await settled(app);
    const weights = Object.values(DEFAULT_TRAFFIC_WEIGHTS).reduce((sum, w) => sum + w, 0);
    const actions = Math.round((PER_DAY * weights) / DEFAULT_TRAFFIC_WEIGHTS.newConversation);
    for (let done = 0; done < actions; done += 20) {
      simulator.traffic.step(20);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await simulator.webhooks!.idle();
    const day = delta(await settled(app), startUp);
    const stats = simulator.traffic.stats();
    console.log(
      `${PER_MONTH} conversations a month; one day of traffic: ${stats.actions} actions, ${stats.byAction.newConversation} new conversations, ${stats.events} events\n`,
    );
    console.log('| reads at start (once, or after each restart) | requests |');
    console.log('|---|---|');
    for (const [route, count] of Object.entries(startUp)) console.log(`| ${route} | ${count} |`);
    console.log('\n| reads one day of traffic caused | requests per day |');
    console.log('|---|---|');
    for (const [route, count] of Object.entries(day)) console.log(`| ${route} | ${count} |`);
    const total = Object.values(day).reduce((sum, count) => sum + count, 0);
    console.log(`| all event-driven reads | ${total} |`);
  } finally {
    await app.close();
    await simulator.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
