import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DatabaseConnection } from '../../src/database/database-connection';
import { freePort } from '../../test/support/test-database-server';
import { openBenchDatabase } from '../support/bench-database';
import { benchSessionId, seedConversations } from '../support/bench-conversations';
import { AS_DEPLOYED, startBenchService, stopBenchProcess } from '../support/bench-service';
import { closeHookConnections, sendHooks, type HookLoadResult } from '../support/hook-load';

/**
 * bench/webhooks: how fast the service answers signed Plugin Hooks at a steady rate (open loop:
 * each hook leaves at its scheduled time whatever the answers do, as Crisp sends them). The
 * service runs as in production (its own process, JSON logs, API tokens). Scenarios, each against
 * a fresh set of fingerprints on 200 known conversations:
 *
 *   A. `message:send` hooks at BENCH_RATE (default 200/s) for BENCH_SECONDS (default 15);
 *   B. the same with 1 % of the hooks carrying a NUL byte (set aside, never a 5xx);
 *   baseline (same run, same database): bare node:http + pg verifying the signature and
 *   inserting each message in a commit of its own (bench/webhooks/bare-hook-server.ts).
 *
 * Bar (issue 11): p99 answer time at 200 hooks/s ≤ 100 ms.
 *
 *   npm run bench:webhooks   (BENCH_RATE, BENCH_SECONDS, BENCH_DATABASE_URL)
 */
const ROOT = resolve(__dirname, '../../..');
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONVERSATIONS = 200;
const WEBSITE_ID = '5a2f0f9e-0000-4000-8000-00000000be0c';
const SECRET = 'bench-webhook-secret';
const BAR_P99_MS = 100;

const PRODUCTION = {
  ...AS_DEPLOYED,
  API_TOKEN: 'bench-admin-token-0123456789abcdef',
  API_READ_TOKENS: 'bench-read-token-0123456789abcdef',
  CRISP_WEBHOOK_SECRET: SECRET,
};

const sessionOf = (i: number) => benchSessionId('bench_hook', i % CONVERSATIONS);

async function startBaseline(connection: DatabaseConnection, port: number) {
  const script = join(ROOT, 'dist/bench/webhooks/bare-hook-server.js');
  const child = fork(script, [JSON.stringify(connection), String(port), SECRET]);
  await new Promise<void>((done) => child.once('message', () => done()));
  return child;
}

const hooks = (port: number, path: string, poisonEvery = 0) =>
  sendHooks({
    port,
    path,
    secret: SECRET,
    websiteId: WEBSITE_ID,
    sessionOf,
    rate: RATE,
    seconds: SECONDS,
    poisonEvery,
  });

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const database = await openBenchDatabase('crisp_bench_webhooks');
  await seedConversations(database.connection, WEBSITE_ID, 'bench_hook', CONVERSATIONS);
  const [servicePort, baselinePort] = [await freePort(), await freePort()];
  const service = await startBenchService(database.connection, servicePort, PRODUCTION);
  const baseline = await startBaseline(database.connection, baselinePort);
  try {
    // Warm-up: connections, JIT, the writer's first batches.
    await hooks(servicePort, '/crisp/webhooks');
    await hooks(baselinePort, '/');
    const a = await hooks(servicePort, '/crisp/webhooks');
    const b = await hooks(servicePort, '/crisp/webhooks', 100);
    const base = await hooks(baselinePort, '/');
    console.log(`\n${RATE} signed hooks/s for ${SECONDS} s each (open loop), answer time:\n`);
    console.log('| scenario | hooks | non-2xx | p50 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    const row = (name: string, r: HookLoadResult) =>
      console.log(
        `| ${name} | ${r.sent} | ${r.non2xx} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |`,
      );
    row('A: service, message:send', a);
    row('B: service, 1 % with a NUL byte', b);
    row('baseline: node:http + pg, one commit per hook', base);
    const pass = a.p99 <= BAR_P99_MS && b.p99 <= BAR_P99_MS && a.non2xx + b.non2xx === 0;
    console.log(
      `\nBar: p99 ≤ ${BAR_P99_MS} ms at ${RATE}/s, no 5xx: ${pass ? 'met' : 'NOT met'} ` +
        `(A ${ms(a.p99)}, B ${ms(b.p99)}; baseline ${ms(base.p99)}, A/baseline ${(a.p99 / base.p99).toFixed(2)})`,
    );
  } finally {
    await Promise.all([stopBenchProcess(service), stopBenchProcess(baseline)]);
    closeHookConnections();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error('bench:webhooks failed:', error);
  process.exit(1);
});
