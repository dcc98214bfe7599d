/**
 * Issue 13's dashboard bar: a 30-day dashboard (daily volume, operator daily, backlog hourly,
 * ratings daily) on 10,000,000 messages, 200,000 conversations and 1,000,000 change events,
 * each query's p95, alone and while the service ingests 500 events/s (signed Web Hooks).
 *
 * The baseline, in the same run: the same four queries on the views as they were before the
 * rollups (computed on read from the tables), BENCH_BASELINE_RUNS times each (0: skipped).
 *
 *   npm run bench:dashboard    (BENCH_SCALE=0.1 for a tenth of the data, BENCH_RUNS, BENCH_RATE)
 */
import { Client } from 'pg';
import { toPgClientConfig } from '../../src/database/database-connection';
import { createPreRollupViews, preRollupName } from '../../test/support/pre-rollup-views';
import { freePort } from '../../test/support/test-database-server';
import { benchSessionId } from '../support/bench-conversations';
import { openBenchDatabase } from '../support/bench-database';
import { AS_DEPLOYED, startBenchService, stopBenchProcess } from '../support/bench-service';
import { closeHookConnections, sendHooks } from '../support/hook-load';
import { FULL_SCALE, seedDashboardHistory } from './dashboard-seed';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 2);
const WEBSITE_ID = '5a2f0f9e-0000-4000-8000-0000000da5b0';
const PREFIX = 'dash';
const SECRET = 'dashboard-bench-webhook-secret';

const DASHBOARD: Record<string, string> = {
  'daily volume': `SELECT * FROM bi_daily_volume WHERE day > current_date - 30`,
  'operator daily': `SELECT * FROM bi_operator_daily WHERE day > current_date - 30`,
  'backlog hourly': `SELECT * FROM bi_backlog_hourly WHERE hour > now() - interval '30 days'`,
  'ratings daily': `SELECT * FROM bi_ratings_daily WHERE day > current_date - 30`,
};

let lastDurationMs = 0;

const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))];

/** The dashboard's queries on the views before the rollups. */
const BEFORE_ROLLUPS = Object.fromEntries(
  Object.entries(DASHBOARD).map(([name, sql]) => [
    name,
    sql.replace(/bi_\w+/, (view) => preRollupName(view)),
  ]),
);

async function timeDashboard(
  client: Client,
  queries = DASHBOARD,
  runs = RUNS,
): Promise<Record<string, number>> {
  const timings: Record<string, number[]> = {};
  const started = performance.now();
  for (let run = 0; run < runs; run += 1) {
    for (const [name, sql] of Object.entries(queries)) {
      const started = performance.now();
      await client.query(sql);
      (timings[name] ??= []).push(performance.now() - started);
      if (process.env.BENCH_VERBOSE)
        console.log(`${name}: ${(performance.now() - started).toFixed(0)} ms`);
    }
  }
  lastDurationMs = performance.now() - started;
  return Object.fromEntries(Object.entries(timings).map(([name, ms]) => [name, p95(ms)]));
}

/** Waits until the service has refreshed the rollups of everything seeded. */
async function rollupsRefreshed(client: Client) {
  for (;;) {
    const { rows } = await client.query<{ queued: number }>(
      'SELECT count(*)::int AS queued FROM rollup_queue',
    );
    if (rows[0].queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main() {
  const scale = {
    conversations: Math.round(FULL_SCALE.conversations * SCALE),
    messages: Math.round(FULL_SCALE.messages * SCALE),
    events: Math.round(FULL_SCALE.events * SCALE),
  };
  const database = await openBenchDatabase('crisp_bench_dashboard');
  const client = new Client(toPgClientConfig(database.connection));
  await client.connect();
  const seeded = performance.now();
  await seedDashboardHistory(client, WEBSITE_ID, PREFIX, scale);
  console.log(
    `${scale.conversations} conversations, ${scale.messages} messages, ${scale.events} change events (seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s); ${RUNS} runs of each query\n`,
  );
  const port = await freePort();
  const service = await startBenchService(database.connection, port, {
    ...AS_DEPLOYED,
    API_TOKEN: 'bench-admin-token-for-dashboards-0123456789abcdef',
    CRISP_WEBHOOK_SECRET: SECRET,
    CRISP_WEBSITE_IDS: WEBSITE_ID,
  });
  try {
    const built = performance.now();
    await rollupsRefreshed(client);
    console.log(
      `The service built the rollups of the seeded history in ${((performance.now() - built) / 1000).toFixed(0)} s\n`,
    );
    await timeDashboard(client); // warm-up
    const alone = await timeDashboard(client);
    await createPreRollupViews(client);
    const before =
      BASELINE_RUNS > 0 ? await timeDashboard(client, BEFORE_ROLLUPS, BASELINE_RUNS) : {};
    const ingest = sendHooks({
      port,
      path: '/crisp/webhooks',
      secret: SECRET,
      websiteId: WEBSITE_ID,
      sessionOf: (i) => benchSessionId(PREFIX, i % scale.conversations),
      rate: RATE,
      // Sustained: three times the last timed pass (the baseline's, when it runs; minutes at full
      // scale), so the timed runs see ingest, and its autovacuum and refreshes, from start to end.
      seconds: Math.ceil((lastDurationMs * 3) / 1000) + 5,
    });
    const busy = await timeDashboard(client);
    const hooks = await ingest;
    const caughtUp = performance.now();
    await rollupsRefreshed(client);
    const lagMs = performance.now() - caughtUp;
    console.log('| query (30 days) | before the rollups | p95 alone | p95 while ingesting | bar |');
    console.log('|---|---|---|---|---|');
    for (const name of Object.keys(DASHBOARD)) {
      const verdict = busy[name] <= 200 ? 'met' : 'missed';
      const baseline = before[name] === undefined ? '–' : `${before[name].toFixed(0)} ms`;
      const speedup =
        before[name] === undefined ? '' : ` (${(before[name] / alone[name]).toFixed(0)}× faster)`;
      console.log(
        `| ${name} | ${baseline} | ${alone[name].toFixed(0)} ms${speedup} | ${busy[name].toFixed(0)} ms (${(busy[name] / alone[name]).toFixed(2)}×) | ≤ 200 ms: ${verdict} |`,
      );
    }
    console.log(
      `\nIngest meanwhile: ${hooks.sent} Web Hooks at ${RATE}/s, ${hooks.non2xx} not 2xx, commit p50 ${hooks.p50.toFixed(0)} ms, p99 ${hooks.p99.toFixed(0)} ms; the rollups had caught up ${lagMs.toFixed(0)} ms after the last one`,
    );
  } finally {
    await stopBenchProcess(service);
    closeHookConnections();
    await client.end();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
