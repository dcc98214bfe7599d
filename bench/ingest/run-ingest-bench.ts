import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { loadAppConfig } from '../../src/config/load-app-config';
import { ConversationMessagesRepository } from '../../src/conversations/conversation-messages.repository';
import type { MessageRecord } from '../../src/conversations/conversation-records';
import { messageRecordFromCrisp } from '../../src/conversations/crisp-record.mapper';
import {
  toEnvironmentVariables,
  type DatabaseConnection,
} from '../../src/database/database-connection';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import type { CrispEvent } from '../../src/realtime/crisp-events';
import { MirrorWriterService } from '../../src/realtime/mirror-writer.service';
import { ReconcilerService } from '../../src/realtime/reconciler.service';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import { DEFAULT_CREDENTIAL } from '../../tools/crisp-simulator';
import { openBenchDatabase } from '../support/bench-database';
import { BENCH_WEBSITE_ID, CONTENT_PREFIX, parseBenchContent } from './ingest-protocol';
import { startIngestSimulator, type IngestSimulator } from './ingest-simulator-client';
import { formatLatency, summarizeLatencies, type LatencySummary } from './latency-summary';

/**
 * bench/ingest: the real-time pipeline, end to end. A Crisp simulator in a child process emits
 * `message:send` / `message:received` over RTM; the service (in this process, as in production:
 * the official client, the ingest service, the micro-batching writer) stores them. Measured:
 *
 *   A. 5,000 events over 200 conversations at 1,000 events/s: completeness, duplicates,
 *      event-to-row latency, REST calls per event.
 *   B. as many events as the simulator can emit in ~5 s: sustained stored events/s, latency.
 *   Baseline (same run, same database): the same number of message rows straight through
 *   ConversationMessagesRepository.upsert, 500 a batch; B is given as a ratio of it.
 *
 *   npm run bench:ingest   (BENCH_CONVERSATIONS, BENCH_EVENTS, BENCH_RATE, BENCH_BURST_SECONDS,
 *                           BENCH_BURST_MAX_EVENTS, BENCH_DATABASE_URL; and, passed to the
 *                           service, MIRROR_BATCH_SIZE, MIRROR_FLUSH_MS, MIRROR_BUFFER_LIMIT,
 *                           DB_POOL_SIZE)
 */
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 5);
/** A cap on the unthrottled burst, so a very fast simulator cannot exhaust memory. */
const BURST_MAX_EVENTS = Number(process.env.BENCH_BURST_MAX_EVENTS ?? 200_000);
const STORE_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;
const BASELINE_BATCH = 500;
/** Far above any simulator fingerprint (timestamp × 100 ≈ 1.8e14), still a safe integer. */
const BASELINE_FINGERPRINT_BASE = 900_000_000_000_000;

/** The bars of the issue, checked at the end. */
const BAR_P99_MS = 250;
const BAR_SUSTAINED_EVENTS_PER_SECOND = 5_000;

/** The writer's knobs, passed through when set, to measure a setting without editing code. */
const TUNABLE = ['MIRROR_BATCH_SIZE', 'MIRROR_FLUSH_MS', 'MIRROR_BUFFER_LIMIT', 'DB_POOL_SIZE'];

function tuning(): Record<string, string> {
  return Object.fromEntries(
    TUNABLE.flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

async function openService(connection: DatabaseConnection, restUrl: string) {
  const variables: Record<string, string> = {
    NODE_ENV: 'production',
    API_TOKEN: 'bench-admin-token-0123456789abcdef',
    ...toEnvironmentVariables(connection),
    DB_RUN_MIGRATIONS: 'false',
    CRISP_IDENTIFIER: DEFAULT_CREDENTIAL.identifier,
    CRISP_KEY: DEFAULT_CREDENTIAL.key,
    CRISP_REST_URL: restUrl,
    CRISP_RTM_ENABLED: 'true',
    CRISP_WEBSITE_IDS: BENCH_WEBSITE_ID,
    RECONCILE_INTERVAL_MS: '0',
    // The conversations were last touched 2–3 h ago: the first catch-up must reach back to them.
    RECONCILE_LOOKBACK_MS: String(6 * 3_600_000),
    // The first catch-up reads 200 conversations; at the default 10 calls/s that alone is 20 s.
    CRISP_REQUESTS_PER_SECOND: '1000',
    CRISP_DAILY_REQUEST_BUDGET: '1000000',
    BACKFILL_POLL_INTERVAL_MS: '0',
    ...tuning(),
  };
  const config = loadAppConfig(variables, '/nonexistent/.env');
  // abortOnError false: a start-up failure then rejects here (and main cleans up) instead of
  // Nest calling process.exit, which would leave the simulator and PostgreSQL behind.
  return NestFactory.createApplicationContext(AppModule.register(config, connection), {
    logger: ['error'],
    abortOnError: false,
  });
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * When each bench event's write was acknowledged (its transaction committed), by content.
 * `synced_at` is PostgreSQL's now(), i.e. when the batch's transaction *started*: it leaves out
 * the write and the commit. The acknowledgement is when the row became visible, so both are
 * reported. The wrapper sits on the service's own instance (what the RTM listener calls).
 */
function recordCommits(app: INestApplicationContext) {
  const ingest = app.get(CrispEventIngestService);
  const committedAt = new Map<string, number>();
  const committedByTag = new Map<string, number>();
  const original = ingest.ingest.bind(ingest);
  ingest.ingest = async (event: CrispEvent, rawPayload?: string) => {
    const outcome = await original(event, rawPayload);
    if (event.name !== 'message:send' && event.name !== 'message:received') return outcome;
    const content = (event.payload as { content?: unknown }).content;
    if (typeof content !== 'string') return outcome;
    const parsed = parseBenchContent(content);
    if (!parsed) return outcome;
    committedAt.set(content, Date.now());
    committedByTag.set(parsed.tag, (committedByTag.get(parsed.tag) ?? 0) + 1);
    return outcome;
  };
  return { committedAt, committedByTag };
}

type Commits = ReturnType<typeof recordCommits>;

interface ScenarioResult {
  emitted: number;
  emitSeconds: number;
  stored: number;
  distinctEvents: number;
  duplicates: number;
  ending: Ending;
  /** Rows stored per second while the simulator was emitting, and after (draining the backlog). */
  rateWhileEmitting: number;
  rateAfterEmitting: number;
  synced: LatencySummary;
  committed: LatencySummary;
  /** Stored rows / (first emit → last row's synced_at), and → last commit acknowledgement. */
  sustainedSynced: number;
  sustainedCommitted: number;
  restCalls: number;
  maxQueueDepth: number;
  refused: boolean;
}

async function countStored(dataSource: DataSource, tag: string): Promise<number> {
  const rows: { count: string }[] = await dataSource.query(
    'SELECT count(*) AS count FROM conversation_messages WHERE content LIKE $1',
    [`${CONTENT_PREFIX}:${tag}:%`],
  );
  return Number(rows[0].count);
}

/** How waiting for a scenario's rows ended. */
type Ending = 'complete' | 'stalled' | 'timed out';

/** No acknowledgement for this long with an empty writer queue: nothing more is coming. */
const STALL_MS = 3_000;

/**
 * Waits until every event's row is stored. Counting rows scans the table, so PostgreSQL is asked
 * only once the acknowledgements say all are in (or every 2 s, in case some were stored without
 * one). Events the writer refused (buffer full) only come back through a catch-up, which this
 * bench does not schedule: once the queue is empty and acknowledgements stop, it stops waiting.
 */
async function waitForRows(
  dataSource: DataSource,
  writer: MirrorWriterService,
  commits: Commits,
  tag: string,
  expected: number,
): Promise<Ending> {
  const deadline = Date.now() + STORE_TIMEOUT_MS;
  let lastCount = 0;
  let acknowledged = -1;
  let progressAt = Date.now();
  for (;;) {
    const now = Date.now();
    const latest = commits.committedByTag.get(tag) ?? 0;
    if (latest !== acknowledged || writer.depth > 0) progressAt = now;
    acknowledged = latest;
    if (acknowledged >= expected || now - lastCount >= 2_000) {
      lastCount = now;
      if ((await countStored(dataSource, tag)) >= expected) return 'complete';
    }
    if (now - progressAt > STALL_MS) return 'stalled';
    if (now > deadline) return 'timed out';
    await sleep(50);
  }
}

async function runScenario(
  app: INestApplicationContext,
  simulator: IngestSimulator,
  commits: Commits,
  scenario: { tag: string; count: number; rate: number; maxMs: number },
): Promise<ScenarioResult> {
  const dataSource = app.get(DataSource);
  const writer = app.get(MirrorWriterService);
  writer.gapSince = null;
  const restBefore = await simulator.restCalls();
  // The writer's queue depth, sampled: where a backlog builds up if the database falls behind.
  let maxQueueDepth = 0;
  const sampler = setInterval(() => (maxQueueDepth = Math.max(maxQueueDepth, writer.depth)), 20);

  const emitted = await simulator.emit(scenario);
  const { tag } = scenario;
  const expected = emitted.emitted;
  const ending = await waitForRows(dataSource, writer, commits, tag, expected);
  clearInterval(sampler);
  const restAfter = await simulator.restCalls();

  const rows: { content: string; synced_ms: number }[] = await dataSource.query(
    `SELECT content, (extract(epoch FROM synced_at) * 1000)::float8 AS synced_ms
     FROM conversation_messages WHERE content LIKE $1`,
    [`${CONTENT_PREFIX}:${tag}:%`],
  );
  const keys: { duplicates: string }[] = await dataSource.query(
    `SELECT count(*) - count(DISTINCT (session_id, fingerprint)) AS duplicates
     FROM conversation_messages WHERE content LIKE $1`,
    [`${CONTENT_PREFIX}:${tag}:%`],
  );
  const indexes = new Set<number>();
  const syncedLatencies: number[] = [];
  const committedLatencies: number[] = [];
  let lastSynced = 0;
  let lastCommitted = 0;
  let whileEmitting = 0;
  for (const row of rows) {
    if (row.synced_ms <= emitted.lastEmitAt) whileEmitting += 1;
    const parsed = parseBenchContent(row.content);
    if (!parsed) continue;
    if (parsed.index < expected) indexes.add(parsed.index);
    syncedLatencies.push(row.synced_ms - parsed.emittedAtMs);
    lastSynced = Math.max(lastSynced, row.synced_ms);
    const committed = commits.committedAt.get(row.content);
    if (committed !== undefined) {
      committedLatencies.push(committed - parsed.emittedAtMs);
      lastCommitted = Math.max(lastCommitted, committed);
    }
  }
  return {
    emitted: expected,
    emitSeconds: (emitted.lastEmitAt - emitted.firstEmitAt) / 1000,
    stored: rows.length,
    distinctEvents: indexes.size,
    duplicates: Number(keys[0].duplicates),
    ending,
    rateWhileEmitting: whileEmitting / ((emitted.lastEmitAt - emitted.firstEmitAt) / 1000),
    rateAfterEmitting: (rows.length - whileEmitting) / ((lastSynced - emitted.lastEmitAt) / 1000),
    synced: summarizeLatencies(syncedLatencies),
    committed: summarizeLatencies(committedLatencies),
    sustainedSynced: rows.length / ((lastSynced - emitted.firstEmitAt) / 1000),
    sustainedCommitted: committedLatencies.length / ((lastCommitted - emitted.firstEmitAt) / 1000),
    restCalls: restAfter - restBefore,
    maxQueueDepth,
    refused: writer.gapSince !== null,
  };
}

/**
 * The baseline: `count` message rows shaped exactly like the RTM payloads (so `raw` weighs the
 * same), written straight through the repository, 500 a batch, one batch at a time (the mirror
 * writer also flushes one transaction at a time). No socket, no mapping of events, no queue.
 */
async function upsertBaseline(
  app: INestApplicationContext,
  sessionIds: string[],
  count: number,
): Promise<number> {
  const repository = app.get(ConversationMessagesRepository);
  const now = Date.now();
  const records: MessageRecord[] = Array.from({ length: count }, (_, i) => {
    const sessionId = sessionIds[i % sessionIds.length];
    const from = Math.floor(i / sessionIds.length) % 2 === 0 ? 'user' : 'operator';
    return messageRecordFromCrisp(
      {
        session_id: sessionId,
        website_id: BENCH_WEBSITE_ID,
        fingerprint: BASELINE_FINGERPRINT_BASE + i,
        type: 'text',
        from,
        origin: 'chat',
        content: `baseline:${now}:${i}`,
        timestamp: now + i,
        user: { user_id: sessionId, nickname: 'Bench Visitor' },
        mentions: [],
        stamped: true,
      },
      new Date(),
      'rtm',
    );
  });
  const started = performance.now();
  for (let i = 0; i < records.length; i += BASELINE_BATCH) {
    await repository.upsert(records.slice(i, i + BASELINE_BATCH));
  }
  return count / ((performance.now() - started) / 1000);
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const yesNo = (met: boolean) => (met ? '**met**' : '**NOT met**');

function completeness(result: ScenarioResult) {
  const missing = result.emitted - result.distinctEvents;
  return `${int(result.stored)} rows for ${int(result.emitted)} events, ${int(missing)} missing, ${result.duplicates} duplicates${result.ending === 'complete' ? '' : ` (${result.ending})`}${result.refused ? ' (writer refused events: buffer full)' : ''}`;
}

async function measure(app: INestApplicationContext, simulator: IngestSimulator) {
  const runStarted = performance.now();
  const commits = recordCommits(app);
  const rtm = app.get(RtmListenerService);
  const reconciler = app.get(ReconcilerService);
  await until('RTM connected', READY_TIMEOUT_MS, () => rtm.state === 'connected');
  await until(
    'the first catch-up',
    READY_TIMEOUT_MS,
    async () => (await reconciler.watermark(BENCH_WEBSITE_ID)) !== null,
  );
  const dataSource = app.get(DataSource);
  const before: { conversations: string; messages: string }[] = await dataSource.query(
    `SELECT (SELECT count(*) FROM conversations) AS conversations,
            (SELECT count(*) FROM conversation_messages) AS messages`,
  );
  const catchUpCalls = await simulator.restCalls();
  console.log(
    `Ready: ${before[0].conversations} conversations, ${before[0].messages} messages stored by the first catch-up (${catchUpCalls} REST calls, before any measurement)${Object.keys(tuning()).length > 0 ? `; service settings ${JSON.stringify(tuning())}` : ''}\n`,
  );

  const a = await runScenario(app, simulator, commits, {
    tag: 'A',
    count: EVENTS,
    rate: RATE,
    maxMs: Number.MAX_SAFE_INTEGER,
  });
  const b = await runScenario(app, simulator, commits, {
    tag: 'B',
    count: BURST_MAX_EVENTS,
    rate: 0,
    maxMs: BURST_SECONDS * 1000,
  });
  const baseline = await upsertBaseline(app, simulator.sessionIds, b.emitted);

  const aRate = a.emitted / a.emitSeconds;
  const bEmitRate = b.emitted / b.emitSeconds;
  const aComplete = a.ending === 'complete' && a.distinctEvents === a.emitted && a.duplicates === 0;
  const bComplete = b.ending === 'complete' && b.distinctEvents === b.emitted && b.duplicates === 0;
  const aP99 = Math.max(a.synced.p99Ms, a.committed.p99Ms);
  const sustained = Math.min(b.sustainedSynced, b.sustainedCommitted);

  console.log('| measurement | value | bar / ratio |');
  console.log('|---|---|---|');
  console.log(
    `| A: emitted | ${int(a.emitted)} events over ${CONVERSATIONS} conversations in ${a.emitSeconds.toFixed(2)} s = ${int(aRate)} events/s | target ${int(RATE)}/s |`,
  );
  console.log(
    `| A: stored | ${completeness(a)} | all present, 0 duplicates: ${yesNo(aComplete)} |`,
  );
  console.log(
    `| A: latency, event → synced_at | ${formatLatency(a.synced)} | p99 ≤ ${BAR_P99_MS} ms: ${yesNo(a.synced.p99Ms <= BAR_P99_MS)} |`,
  );
  console.log(
    `| A: latency, event → commit acknowledged | ${formatLatency(a.committed)} (${int(a.committed.samples)} samples) | p99 ≤ ${BAR_P99_MS} ms: ${yesNo(a.committed.p99Ms <= BAR_P99_MS)} |`,
  );
  console.log(
    `| A: REST calls | ${a.restCalls} = ${(a.restCalls / a.emitted).toFixed(3)} per message event | 0: ${yesNo(a.restCalls === 0)} |`,
  );
  console.log(`| A: writer queue, max depth | ${int(a.maxQueueDepth)} changes | |`);
  console.log(
    `| B: emitted (unthrottled) | ${int(b.emitted)} events in ${b.emitSeconds.toFixed(2)} s = ${int(bEmitRate)} events/s | |`,
  );
  console.log(
    `| B: stored | ${completeness(b)} | all present, 0 duplicates: ${yesNo(bComplete)} |`,
  );
  console.log(
    `| B: sustained, first emit → last synced_at | ${int(b.sustainedSynced)} events/s | ≥ ${int(BAR_SUSTAINED_EVENTS_PER_SECOND)}/s: ${yesNo(b.sustainedSynced >= BAR_SUSTAINED_EVENTS_PER_SECOND)}; ${(b.sustainedSynced / baseline).toFixed(2)} × baseline |`,
  );
  console.log(
    `| B: sustained, first emit → last commit | ${int(b.sustainedCommitted)} events/s | ≥ ${int(BAR_SUSTAINED_EVENTS_PER_SECOND)}/s: ${yesNo(b.sustainedCommitted >= BAR_SUSTAINED_EVENTS_PER_SECOND)}; ${(b.sustainedCommitted / baseline).toFixed(2)} × baseline |`,
  );
  console.log(
    `| B: stored rate while emitting / after (backlog) | ${int(b.rateWhileEmitting)} / ${int(b.rateAfterEmitting)} events/s | |`,
  );
  console.log(`| B: latency, event → synced_at | ${formatLatency(b.synced)} | |`);
  console.log(`| B: latency, event → commit acknowledged | ${formatLatency(b.committed)} | |`);
  console.log(
    `| B: REST calls | ${b.restCalls} = ${(b.restCalls / b.emitted).toFixed(3)} per message event | 0: ${yesNo(b.restCalls === 0)} |`,
  );
  console.log(`| B: writer queue, max depth | ${int(b.maxQueueDepth)} changes | |`);
  console.log(
    `| baseline: repository.upsert, ${BASELINE_BATCH} a batch, ${int(b.emitted)} rows | ${int(baseline)} rows/s | 1.00 |`,
  );
  console.log(
    `\nBars: A complete ${yesNo(aComplete)}, A p99 ${aP99.toFixed(0)} ms ${yesNo(aP99 <= BAR_P99_MS)}, B sustained ${int(sustained)} events/s ${yesNo(sustained >= BAR_SUSTAINED_EVENTS_PER_SECOND)}, REST calls per message event ${yesNo(a.restCalls + b.restCalls === 0)}. Run took ${((performance.now() - runStarted) / 1000).toFixed(0)} s.`,
  );
}

async function main() {
  const database = await openBenchDatabase('crisp_bench_ingest');
  let simulator: IngestSimulator | undefined;
  let app: INestApplicationContext | undefined;
  // Whatever fails, the child process and the embedded PostgreSQL must not outlive the run.
  try {
    simulator = await startIngestSimulator(CONVERSATIONS);
    app = await openService(database.connection, simulator.restUrl);
    await measure(app, simulator);
  } finally {
    await app?.close();
    await simulator?.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
