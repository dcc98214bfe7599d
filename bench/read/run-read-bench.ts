import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  toEnvironmentVariables,
  toPgClientConfig,
  type DatabaseConnection,
} from '../../src/database/database-connection';
import { freePort } from '../../test/support/test-database-server';
import { openBenchDatabase } from '../support/bench-database';
import { generateLoad, type LoadResult } from '../support/load-generator';

/**
 * bench/read: the read API against a bare node:http + pg server running the same queries, on the
 * same database, in the same run. Prints req/s and p99 per scenario and the service/baseline ratio.
 * The service runs twice: as deployed in production (API token checked on every request, rate
 * limit, JSON request logs at info) and lean (no token, no rate limit, request logs off), so that
 * what auth and logging cost is measured in the same run. Metrics are on in both.
 *
 *   npm run bench:read            (BENCH_CONVERSATIONS, BENCH_MESSAGES_PER_CONVERSATION,
 *                                  BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_DATABASE_URL to tune)
 */
const ROOT = resolve(__dirname, '../../..');
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 20_000);
const MESSAGES_PER_CONVERSATION = Number(process.env.BENCH_MESSAGES_PER_CONVERSATION ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE_SIZE = 100;
const POOL_SIZE = 10;

async function seed(connection: DatabaseConnection) {
  const client = new Client(toPgClientConfig(connection));
  await client.connect();
  await client.query(
    `INSERT INTO conversations (session_id, website_id, state, status, meta_nickname, meta_email,
       created_at_crisp, updated_at_crisp, raw, observed_at, sync_source)
     SELECT 'session_' || lpad(i::text, 12, '0'), 'website-' || (i % 4), 'resolved', 2,
       'Visitor ' || i, 'visitor' || i || '@example.com',
       now() - (i || ' minutes')::interval, now() - (i || ' seconds')::interval,
       jsonb_build_object('session_id', 'session_' || i), now(), 'backfill'
     FROM generate_series(1, $1::int) AS i`,
    [CONVERSATIONS],
  );
  await client.query(
    `INSERT INTO conversation_messages (session_id, website_id, fingerprint, type, "from", origin,
       content, user_id, user_nickname, read, delivered, stamped, "timestamp", raw, observed_at, sync_source)
     SELECT 'session_' || lpad(c::text, 12, '0'), 'website-' || (c % 4), 176951563342200 + m, 'text',
       CASE WHEN m % 2 = 0 THEN 'user' ELSE 'operator' END, 'chat',
       'Message ' || m || ' of conversation ' || c || ': how can we help you today?',
       'user-' || (m % 7), 'Operator ' || (m % 7), 'chat', 'chat', true,
       now() - (c || ' minutes')::interval + (m || ' seconds')::interval,
       jsonb_build_object('fingerprint', m), now(), 'backfill'
     FROM generate_series(1, $1::int) AS c, generate_series(1, $2::int) AS m`,
    [CONVERSATIONS, MESSAGES_PER_CONVERSATION],
  );
  await client.query('VACUUM ANALYZE');
  const deepest = Math.ceil(CONVERSATIONS / PAGE_SIZE);
  const boundary = await client.query<{ id: string }>(
    `SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY id DESC OFFSET $1 LIMIT 1`,
    [(deepest - 1) * PAGE_SIZE - 1],
  );
  await client.end();
  const cursor = Buffer.from(JSON.stringify({ id: boundary.rows[0].id })).toString('base64url');
  return { deepest, cursor };
}

/** Resolves once the service answers its liveness probe (its logs may be quiet). */
async function waitUntilServing(child: ChildProcess, port: number): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error('the service exited before serving');
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const TOKEN = 'bench-read-token-0123456789abcdef';

/** Production: every request authenticated, rate-limited (never reached) and logged as JSON. */
const PRODUCTION = {
  NODE_ENV: 'production',
  API_TOKEN: 'bench-admin-token-0123456789abcdef',
  API_READ_TOKENS: TOKEN,
  API_RATE_LIMIT: '1000000000',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
};
const LEAN = { API_RATE_LIMIT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'warn' };

async function startService(
  connection: DatabaseConnection,
  port: number,
  variables: Record<string, string>,
) {
  const environment = { ...process.env, ...toEnvironmentVariables(connection), PORT: String(port) };
  Object.assign(environment, { DB_RUN_MIGRATIONS: 'false', DB_POOL_SIZE: String(POOL_SIZE) });
  Object.assign(environment, variables);
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: environment,
    stdio: 'pipe',
  });
  // Logs are read (and dropped) as a log shipper would: an unread pipe would stall the service.
  child.stdout?.resume();
  child.stderr?.resume();
  await waitUntilServing(child, port);
  return child;
}

async function startBaseline(connection: DatabaseConnection, port: number) {
  const script = join(ROOT, 'dist/bench/read/bare-read-server.js');
  const child = fork(script, [JSON.stringify(connection), String(port), String(POOL_SIZE)]);
  await new Promise<void>((done) => child.once('message', () => done()));
  return child;
}

function mean(rounds: LoadResult[]): LoadResult {
  const average = (pick: (result: LoadResult) => number) =>
    rounds.reduce((sum, result) => sum + pick(result), 0) / rounds.length;
  return {
    requests: average((r) => r.requests),
    errors: average((r) => r.errors),
    requestsPerSecond: average((r) => r.requestsPerSecond),
    p50Ms: average((r) => r.p50Ms),
    p99Ms: average((r) => r.p99Ms),
  };
}

interface Target {
  url: string;
  headers?: Record<string, string>;
}

/** Alternates the targets round by round, so that noise on a shared machine hits them all. */
async function measureAll(targets: Target[]): Promise<LoadResult[]> {
  const results: LoadResult[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, { url, headers }] of targets.entries()) {
      results[index].push(
        await generateLoad(url, { connections: CONNECTIONS, durationMs: SECONDS * 1000, headers }),
      );
    }
  }
  return results.map(mean);
}

async function main() {
  const started = Date.now();
  const database = await openBenchDatabase('crisp_bench_read');
  const { deepest, cursor } = await seed(database.connection);
  const messageCount = CONVERSATIONS * MESSAGES_PER_CONVERSATION;
  console.log(
    `Seeded ${CONVERSATIONS} conversations, ${messageCount} messages in ${Date.now() - started} ms`,
  );
  const [servicePort, leanPort, baselinePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const service = await startService(database.connection, servicePort, PRODUCTION);
  const lean = await startService(database.connection, leanPort, LEAN);
  const baseline = await startBaseline(database.connection, baselinePort);
  const scenarios: [string, string][] = [
    ['conversations page 1', `/crisp-db/conversations?limit=${PAGE_SIZE}`],
    [
      `conversations page ${deepest} (OFFSET)`,
      `/crisp-db/conversations?limit=${PAGE_SIZE}&page=${deepest}`,
    ],
    [
      `conversations page ${deepest} (cursor)`,
      `/crisp-db/conversations?limit=${PAGE_SIZE}&cursor=${cursor}`,
    ],
    [
      'messages of one conversation',
      `/crisp-db/messages/session_${'1'.padStart(12, '0')}?limit=${PAGE_SIZE}`,
    ],
  ];
  const authorization = { Authorization: `Bearer ${TOKEN}` };
  const rows: string[] = [];
  const results: Record<string, LoadResult> = {};
  for (const [name, path] of scenarios) {
    const targets: Target[] = [
      { url: `http://127.0.0.1:${baselinePort}${path}` },
      { url: `http://127.0.0.1:${leanPort}${path}` },
      { url: `http://127.0.0.1:${servicePort}${path}`, headers: authorization },
    ];
    for (const { url, headers } of targets) {
      await generateLoad(url, { connections: CONNECTIONS, durationMs: 500, headers });
    }
    const [baselineResult, leanResult, serviceResult] = await measureAll(targets);
    results[name] = serviceResult;
    const percent = (a: LoadResult, b: LoadResult) =>
      `${((a.requestsPerSecond / b.requestsPerSecond) * 100).toFixed(0)}%`;
    rows.push(
      `| ${name} | ${baselineResult.requestsPerSecond.toFixed(0)} | ${leanResult.requestsPerSecond.toFixed(0)} | ` +
        `${serviceResult.requestsPerSecond.toFixed(0)} | ${serviceResult.p99Ms.toFixed(1)} | ` +
        `${percent(serviceResult, baselineResult)} | ${percent(leanResult, baselineResult)} | ` +
        `${percent(serviceResult, leanResult)} | ` +
        `${serviceResult.errors + leanResult.errors + baselineResult.errors} |`,
    );
  }
  const rate = (name: string) => results[name].requestsPerSecond;
  const page1 = rate('conversations page 1');
  console.log(
    `\n${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s per measurement, limit ${PAGE_SIZE}\n`,
  );
  console.log(
    '| scenario | baseline req/s | lean service req/s | production service req/s | production p99 ms | production / baseline | lean / baseline | production / lean | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nDeepest page cost relative to page 1 (production service, 1/throughput): ` +
      `OFFSET ${(page1 / rate(`conversations page ${deepest} (OFFSET)`)).toFixed(2)}×, ` +
      `cursor ${(page1 / rate(`conversations page ${deepest} (cursor)`)).toFixed(2)}×`,
  );
  lean.kill('SIGTERM');
  service.kill('SIGTERM');
  baseline.kill('SIGTERM');
  await new Promise((done) => setTimeout(done, 1000));
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
