import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/test-database-server';
import { openBenchDatabase } from '../support/bench-database';
import { benchSessionId, seedConversations } from '../support/bench-conversations';
import { AS_DEPLOYED, startBenchService, stopBenchProcess } from '../support/bench-service';
import { cpuSecondsOfTree } from '../support/process-cpu';
import { closeHookConnections, sendHooks, type HookLoadResult } from '../support/hook-load';

/**
 * bench/readers: whether readers can starve ingestion (issue 12 item 5). On 300,000 stored
 * conversations, Web Hooks at BENCH_RATE (default 50/s) for BENCH_SECONDS (default 20), their
 * answer time (the service answers after the commit) measured:
 *
 *   A. alone;
 *   B. while BENCH_READERS (default 30) read-token holders page as deep as the API lets them,
 *      back to back: random pages of 100 up to the OFFSET bound, pages past it (answered 400),
 *      and cursor walks.
 *
 * Bar: B's p99 ≤ 2 × A's. The service runs as deployed (its own process, NODE_ENV=production,
 * API tokens, JSON request logs).
 *
 *   npm run bench:readers   (BENCH_RATE, BENCH_SECONDS, BENCH_READERS, BENCH_DATABASE_URL)
 */
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const READERS = Number(process.env.BENCH_READERS ?? 30);
const CONVERSATIONS = 300_000;
const HOOKED_CONVERSATIONS = 200;
const WEBSITE_ID = '5a2f0f9e-0000-4000-8000-00000000be0d';
const SECRET = 'bench-webhook-secret-for-readers-0123456789';
const READ_TOKEN = 'bench-read-token-for-readers-0123456789abcdef';
const BAR_RATIO = 2;

const PRODUCTION = {
  ...AS_DEPLOYED,
  API_TOKEN: 'bench-admin-token-for-readers-0123456789abcdef',
  API_READ_TOKENS: READ_TOKEN,
  CRISP_WEBHOOK_SECRET: SECRET,
  // Readers come from one address here; the limit is for the open Internet, not for this bench.
  API_RATE_LIMIT: '1000000',
};

const sessionOf = (i: number) => benchSessionId('bench_read', i % HOOKED_CONVERSATIONS);

interface ReadTally {
  requests: number;
  byStatus: [number, number][];
}

/**
 * The readers run in processes of their own, as other clients would, at the lowest CPU priority:
 * in this process, parsing their pages would delay the hooks' answer callbacks, the very times
 * measured, and at the same priority they would take the service's CPU on a small machine.
 */
function startReaders(port: number): { stop: () => Promise<ReadTally> } {
  const script = join(__dirname, 'deep-reader-process.js');
  const children = [0, 1].map((group) => {
    const child = fork(script, [String(port), READ_TOKEN, String(READERS / 2), String(group)]);
    // Readers would be other machines: here, their own CPU must not be taken from the service.
    setPriority(child.pid ?? 0, 19);
    return child;
  });
  return {
    stop: async () => {
      const tallies = await Promise.all(
        children.map(
          (child) =>
            new Promise<ReadTally>((done) => {
              child.once('message', (tally) => done(tally as ReadTally));
              child.send('stop');
            }),
        ),
      );
      const byStatus = new Map<number, number>();
      for (const [status, count] of tallies.flatMap((tally) => tally.byStatus))
        byStatus.set(status, (byStatus.get(status) ?? 0) + count);
      return { requests: tallies.reduce((sum, t) => sum + t.requests, 0), byStatus: [...byStatus] };
    },
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const database = await openBenchDatabase('crisp_bench_readers');
  await seedConversations(database.connection, WEBSITE_ID, 'bench_read', CONVERSATIONS);
  const port = await freePort();
  const service = await startBenchService(database.connection, port, PRODUCTION);
  const hooks = () =>
    sendHooks({
      port,
      path: '/crisp/webhooks',
      secret: SECRET,
      websiteId: WEBSITE_ID,
      sessionOf,
      rate: RATE,
      seconds: SECONDS,
    });
  try {
    await hooks(); // warm-up
    const cpu = () => cpuSecondsOfTree(service.pid ?? 0);
    const cpuAtStart = cpu();
    const alone = await hooks();
    const cpuAlone = cpu() - cpuAtStart;
    const readers = startReaders(port);
    const started = performance.now();
    const withReaders = await hooks();
    const tally = await readers.stop();
    const readSeconds = (performance.now() - started) / 1000;
    const cpuBusy = cpu() - cpuAtStart - cpuAlone;
    // The readers' own pace when no event arrives: what pacing them costs while events flow.
    const unpaced = startReaders(port);
    await new Promise((done) => setTimeout(done, SECONDS * 1000));
    const readersAlone = await unpaced.stop();
    report(alone, withReaders, tally, readSeconds);
    console.log(
      `Readers alone: ${(readersAlone.requests / SECONDS).toFixed(0)} requests/s (no event arriving, not paced)`,
    );
    console.log(
      `Service CPU: ${(cpuAlone / SECONDS).toFixed(2)} cores with hooks alone, ` +
        `${(cpuBusy / readSeconds).toFixed(2)} with the readers`,
    );
  } finally {
    await stopBenchProcess(service);
    closeHookConnections();
    await database.close();
  }
}

function report(alone: HookLoadResult, busy: HookLoadResult, tally: ReadTally, seconds: number) {
  console.log(
    `\n${CONVERSATIONS} conversations; ${RATE} signed hooks/s for ${SECONDS} s (open loop), answer time:\n`,
  );
  console.log('| scenario | hooks | non-2xx | p50 | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  const row = (name: string, r: HookLoadResult) =>
    console.log(
      `| ${name} | ${r.sent} | ${r.non2xx} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |`,
    );
  row('A: hooks alone', alone);
  row(`B: hooks with ${READERS} deep readers`, busy);
  const statuses = tally.byStatus.map(([status, count]) => `${status}: ${count}`).join(', ');
  console.log(
    `\nReaders: ${tally.requests} requests in ${seconds.toFixed(1)} s ` +
      `(${(tally.requests / seconds).toFixed(0)}/s; by status ${statuses})`,
  );
  const ratio = busy.p99 / alone.p99;
  const pass = ratio <= BAR_RATIO && alone.non2xx + busy.non2xx === 0;
  console.log(
    `Bar: B p99 ≤ ${BAR_RATIO} × A p99, no hook refused: ${pass ? 'met' : 'NOT met'} ` +
      `(B/A p99 = ${ratio.toFixed(2)})`,
  );
}

main().catch((error: unknown) => {
  console.error('bench:readers failed:', error);
  process.exit(1);
});
