import { fork, spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  toEnvironmentVariables,
  toPgClientConfig,
  type DatabaseConnection,
} from '../../src/database/database-connection';
import { freePort } from '../../test/support/test-database-server';
import { signHook } from '../../tools/crisp-simulator';
import { openBenchDatabase } from '../support/bench-database';

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
const ANSWER_TIMEOUT_MS = 10_000;

const PRODUCTION = {
  NODE_ENV: 'production',
  API_TOKEN: 'bench-admin-token-0123456789abcdef',
  API_READ_TOKENS: 'bench-read-token-0123456789abcdef',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  CRISP_WEBHOOK_SECRET: SECRET,
  CRISP_RTM_ENABLED: 'false',
  RECONCILE_INTERVAL_MS: '0',
  BACKFILL_POLL_INTERVAL_MS: '0',
};

const sessionOf = (i: number) => `session_bench_hook_${String(i % CONVERSATIONS).padStart(4, '0')}`;

async function seed(connection: DatabaseConnection) {
  const client = new Client(toPgClientConfig(connection));
  await client.connect();
  // Known conversations: a hook for an unknown one would cost a metadata call to Crisp.
  await client.query(
    `INSERT INTO conversations (session_id, website_id, observed_at, sync_source)
     SELECT 'session_bench_hook_' || lpad(i::text, 4, '0'), $1, now(), 'backfill'
     FROM generate_series(0, $2::int - 1) AS i`,
    [WEBSITE_ID, CONVERSATIONS],
  );
  await client.end();
}

async function startService(connection: DatabaseConnection, port: number): Promise<ChildProcess> {
  const environment = { ...process.env, ...toEnvironmentVariables(connection), ...PRODUCTION };
  Object.assign(environment, { PORT: String(port), DB_RUN_MIGRATIONS: 'false' });
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: environment,
    stdio: 'pipe',
  });
  // Logs are read (and dropped) as a log shipper would: an unread pipe would stall the service.
  child.stdout?.resume();
  child.stderr?.resume();
  for (;;) {
    if (child.exitCode !== null) throw new Error('the service exited before serving');
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function startBaseline(connection: DatabaseConnection, port: number) {
  const script = join(ROOT, 'dist/bench/webhooks/bare-hook-server.js');
  const child = fork(script, [JSON.stringify(connection), String(port), SECRET]);
  await new Promise<void>((done) => child.once('message', () => done()));
  return child;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(port: number, path: string, body: string, timestamp: string): Promise<number> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'X-Crisp-Request-Timestamp': timestamp,
          'X-Crisp-Signature': signHook(SECRET, timestamp, body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    // Crisp gives up on a hook at some point too; an answer that never comes counts as status 0.
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => done(0));
    req.end(body);
  });
}

interface Result {
  sent: number;
  non2xx: number;
  /** Answers other than 2xx, by status (0: no answer). */
  others: Map<number, number>;
  p50: number;
  p99: number;
  max: number;
}

let nextFingerprint = 170_000_000_000_000;

/** Hooks at `RATE` per second for `SECONDS`; `poisonEvery` > 0 puts a NUL byte in every n-th. */
async function run(port: number, path: string, poisonEvery = 0): Promise<Result> {
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  let non2xx = 0;
  const others = new Map<number, number>();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    const fingerprint = (nextFingerprint += 1);
    const poisoned = poisonEvery > 0 && i % poisonEvery === poisonEvery - 1;
    const now = Date.now();
    const body = JSON.stringify({
      website_id: WEBSITE_ID,
      event: 'message:send',
      data: {
        website_id: WEBSITE_ID,
        session_id: sessionOf(i),
        type: 'text',
        from: 'user',
        origin: 'chat',
        content: poisoned ? `hook ${i} \u0000 nul` : `hook ${i}`,
        fingerprint,
        timestamp: now,
        user: { user_id: sessionOf(i), nickname: 'Bench' },
        stamped: true,
      },
      timestamp: now,
    });
    const sent = performance.now();
    pending.push(
      post(port, path, body, String(now)).then((status) => {
        if (status < 200 || status > 299) {
          non2xx += 1;
          others.set(status, (others.get(status) ?? 0) + 1);
        }
        latencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
  return {
    sent: total,
    non2xx,
    others,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1],
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const database = await openBenchDatabase('crisp_bench_webhooks');
  await seed(database.connection);
  const [servicePort, baselinePort] = [await freePort(), await freePort()];
  const service = await startService(database.connection, servicePort);
  const baseline = await startBaseline(database.connection, baselinePort);
  try {
    // Warm-up: connections, JIT, the writer's first batches.
    await run(servicePort, '/crisp/webhooks');
    await run(baselinePort, '/');
    const a = await run(servicePort, '/crisp/webhooks');
    const b = await run(servicePort, '/crisp/webhooks', 100);
    const base = await run(baselinePort, '/');
    console.log(`\n${RATE} signed hooks/s for ${SECONDS} s each (open loop), answer time:\n`);
    console.log('| scenario | hooks | non-2xx | p50 | p99 | max |');
    console.log('|---|---|---|---|---|---|');
    const row = (name: string, r: Result) =>
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
    service.kill('SIGTERM');
    baseline.kill('SIGTERM');
    await new Promise((done) => service.once('exit', done));
    agent.destroy();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error('bench:webhooks failed:', error);
  process.exit(1);
});
