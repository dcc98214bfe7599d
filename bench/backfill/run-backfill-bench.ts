import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { ConversationMessage as CrispMessage } from 'crisp-api';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { BackfillService } from '../../src/backfill/backfill.service';
import { loadAppConfig } from '../../src/config/load-app-config';
import { CrispRestService } from '../../src/crisp/crisp-rest.service';
import { ConversationMessage } from '../../src/conversations/conversation-message.entity';
import { ConversationMessagesRepository } from '../../src/conversations/conversation-messages.repository';
import { messageRecordsFromBatch } from '../../src/conversations/crisp-record.mapper';
import {
  toEnvironmentVariables,
  type DatabaseConnection,
} from '../../src/database/database-connection';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_CREDENTIAL, GroundTruth } from '../../tools/crisp-simulator';
import { buildBenchTruth } from './bench-truth';
import type { SimulatorCommand } from './simulator-process';
import { compareMirrorWithTruth, minimumBackfillCalls } from '../../test/support/crisp-test-setup';
import { openBenchDatabase } from '../support/bench-database';
import { cpuSecondsOfTree, ownCpuSeconds } from '../support/process-cpu';
import { readFileSync } from 'node:fs';

/**
 * bench/backfill: a complete backfill of a simulated website (400 conversations, 1–250 messages
 * each, skewed) at zero and at 20 ms latency per call, against two baselines measured in the
 * same run on the same database: the batched upsert alone (the ceiling) and naive per-row saves.
 * The simulator runs in a child process, as Crisp would run elsewhere.
 *
 * The first zero-latency backfill runs in a cold process (the JIT has compiled nothing yet, in the
 * service or in the simulator); BENCH_REPEATS more show the rate of a warmed-up service.
 *
 *   npm run bench:backfill  (BENCH_CONVERSATIONS, BENCH_CONCURRENCY, BENCH_LATENCY_MS, BENCH_REPEATS,
 *                            BENCH_MESSAGE_BATCH: the simulator's messages per batch, default 40)
 */
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 400);
/** The service's own default `CRISP_CONCURRENCY`, unless told otherwise. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const NAIVE_SAMPLE = 2_000;
/** Zero-latency backfills timed again after the first, once the JIT has compiled the hot paths. */
const WARM_REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** Messages per batch the simulated Crisp answers (it ends each history with 200, else 206). */
const MESSAGE_BATCH = Number(process.env.BENCH_MESSAGE_BATCH ?? 40);

/** A Crisp simulator in a child process, answering commands over IPC. */
async function startSimulatorProcess(conversations: number) {
  const child = fork(join(__dirname, 'simulator-process.js'), [
    String(conversations),
    String(MESSAGE_BATCH),
  ]);
  // A failed run must not leave the simulator behind.
  process.on('exit', () => child.kill());
  const replies: ((reply: { type: string; count?: number; restUrl?: string }) => void)[] = [];
  child.on('message', (reply: { type: string }) => replies.shift()?.(reply));
  const next = () =>
    new Promise<{ type: string; count?: number; restUrl?: string }>((resolve) =>
      replies.push(resolve),
    );
  const ready = await next();
  const command = async (message: SimulatorCommand) => {
    const reply = next();
    child.send(message);
    return (await reply).count ?? 0;
  };
  return { restUrl: ready.restUrl as string, command, pid: child.pid ?? 0 };
}

type SimulatorHandle = Awaited<ReturnType<typeof startSimulatorProcess>>;

/** The messages as the REST API serialises them. */
function asRestMessages(truth: GroundTruth, websiteId: string, sessionId: string): CrispMessage[] {
  return JSON.parse(JSON.stringify(truth.getMessages(websiteId, sessionId))) as CrispMessage[];
}

async function openService(connection: DatabaseConnection, restUrl: string) {
  const variables: Record<string, string> = {
    NODE_ENV: 'production',
    API_TOKEN: 'bench-admin-token-0123456789abcdef',
    ...toEnvironmentVariables(connection),
    DB_RUN_MIGRATIONS: 'false',
    DB_POOL_SIZE: String(CONCURRENCY + 4),
    CRISP_IDENTIFIER: DEFAULT_CREDENTIAL.identifier,
    CRISP_KEY: DEFAULT_CREDENTIAL.key,
    CRISP_REST_URL: restUrl,
    CRISP_REQUESTS_PER_SECOND: '100000',
    CRISP_CONCURRENCY: String(CONCURRENCY),
    CRISP_DAILY_REQUEST_BUDGET: '1000000',
    BACKFILL_POLL_INTERVAL_MS: '0',
  };
  const config = loadAppConfig(variables, '/nonexistent/.env');
  return NestFactory.createApplicationContext(AppModule.register(config, connection), {
    logger: ['error'],
  });
}

async function reset(dataSource: DataSource) {
  await dataSource.query(
    'TRUNCATE conversation_messages, conversations, backfill_job_conversations, backfill_jobs, crisp_request_budget',
  );
}

/** The postmaster's pid when the database runs on this machine (to read its CPU), else null. */
async function postmasterPid(dataSource: DataSource): Promise<number | null> {
  try {
    const rows: { data_directory: string }[] = await dataSource.query('SHOW data_directory');
    const pid = Number(
      readFileSync(`${rows[0].data_directory}/postmaster.pid`, 'utf8').split('\n')[0],
    );
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** CPU seconds of the three processes at work: this service, the simulator, PostgreSQL. */
function cpuNow(simulator: SimulatorHandle, postmaster: number | null) {
  return {
    service: ownCpuSeconds(),
    simulator: cpuSecondsOfTree(simulator.pid),
    postgres: postmaster === null ? Number.NaN : cpuSecondsOfTree(postmaster),
  };
}

type CpuShares = ReturnType<typeof cpuNow>;

async function timedBackfill(
  app: INestApplicationContext,
  simulator: SimulatorHandle,
  websiteId: string,
) {
  const dataSource = app.get(DataSource);
  await reset(dataSource);
  await simulator.command({ type: 'resetCounters' });
  const backfill = app.get(BackfillService);
  const postmaster = await postmasterPid(dataSource);
  const before = cpuNow(simulator, postmaster);
  const started = performance.now();
  const { status } = await backfill.startOrJoin(websiteId);
  const done = await backfill.waitUntilSettled(status.id, 20);
  const seconds = (performance.now() - started) / 1000;
  const after = cpuNow(simulator, postmaster);
  const cpu = {
    service: after.service - before.service,
    simulator: after.simulator - before.simulator,
    postgres: after.postgres - before.postgres,
  };
  return { seconds, done, cpu, calls: await simulator.command({ type: 'count' }) };
}

function describeCpu(cpu: CpuShares, seconds: number) {
  const total = cpu.service + cpu.simulator + cpu.postgres;
  return `CPU s: service ${cpu.service.toFixed(2)}, simulator ${cpu.simulator.toFixed(2)}, PostgreSQL ${cpu.postgres.toFixed(2)} (${(total / seconds).toFixed(2)} cores busy)`;
}

/**
 * The ceiling: the same messages through the same batched upsert with no Crisp at all, in
 * batches of `batchSize` rows in conversation order (40, as Crisp pages them, or more), mapped
 * before the clock starts.
 */
async function batchedUpsertCeiling(
  app: INestApplicationContext,
  truth: GroundTruth,
  websiteId: string,
  batchSize = 40,
  workers = CONCURRENCY,
) {
  await reset(app.get(DataSource));
  const repository = app.get(ConversationMessagesRepository);
  const records = [...truth.getWebsite(websiteId)!.conversations.keys()].flatMap((sessionId) =>
    messageRecordsFromBatch(
      asRestMessages(truth, websiteId, sessionId),
      { websiteId, sessionId },
      new Date(),
      'backfill',
    ),
  );
  const batches: (typeof records)[] = [];
  for (let i = 0; i < records.length; i += batchSize) {
    batches.push(records.slice(i, i + batchSize));
  }
  let rows = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next];
      next += 1;
      await repository.upsert(batch);
      rows += batch.length;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return rows / ((performance.now() - started) / 1000);
}

/** What the proof of concept did: one TypeORM save() per message. */
async function naivePerRowSaves(
  app: INestApplicationContext,
  truth: GroundTruth,
  websiteId: string,
) {
  const dataSource = app.get(DataSource);
  await reset(dataSource);
  const sessions = [...truth.getWebsite(websiteId)!.conversations.keys()];
  const records = sessions
    .flatMap((sessionId) =>
      messageRecordsFromBatch(
        asRestMessages(truth, websiteId, sessionId),
        { websiteId, sessionId },
        new Date(),
        'backfill',
      ),
    )
    .slice(0, NAIVE_SAMPLE);
  await dataSource.query(
    `INSERT INTO conversations (session_id, website_id, observed_at, sync_source)
     SELECT DISTINCT unnest($1::text[]), $2, now(), 'backfill'`,
    [[...new Set(records.map((record) => record.session_id))], websiteId],
  );
  const repository = dataSource.getRepository(ConversationMessage);
  const started = performance.now();
  for (const record of records) {
    await repository.save({
      sessionId: record.session_id,
      websiteId: record.website_id,
      fingerprint: String(record.fingerprint),
      type: record.type,
      from: record.from,
      content: record.content ?? null,
      timestamp: new Date(record.timestamp),
      raw: record.raw,
      observedAt: new Date(record.observed_at),
      syncSource: record.sync_source,
    });
  }
  return records.length / ((performance.now() - started) / 1000);
}

async function main() {
  const { truth, websiteId } = buildBenchTruth(CONVERSATIONS);
  const messages = truth.messageCount();
  const minimum = minimumBackfillCalls(truth, websiteId, MESSAGE_BATCH);
  const database = await openBenchDatabase('crisp_bench_backfill');
  const simulator = await startSimulatorProcess(CONVERSATIONS);
  const app = await openService(database.connection, simulator.restUrl);
  console.log(
    `${CONVERSATIONS} conversations, ${messages} messages, ${MESSAGE_BATCH} a batch; minimum REST calls ${minimum}; concurrency ${CONCURRENCY}\n`,
  );

  const fast = await timedBackfill(app, simulator, websiteId);
  const comparison = await compareMirrorWithTruth(app.get(DataSource), truth, websiteId);
  const warm: number[] = [];
  for (let run = 0; run < WARM_REPEATS; run += 1) {
    const again = await timedBackfill(app, simulator, websiteId);
    warm.push(messages / again.seconds);
    console.log(
      `warm backfill ${run + 1}: ${again.seconds.toFixed(2)} s, ${describeCpu(again.cpu, again.seconds)}`,
    );
  }
  const ceiling = await batchedUpsertCeiling(app, truth, websiteId);
  const largeBatchCeiling = await batchedUpsertCeiling(app, truth, websiteId, 1_000, 1);
  const naive = await naivePerRowSaves(app, truth, websiteId);
  await simulator.command({ type: 'latency', ms: LATENCY_MS });
  const slow = await timedBackfill(app, simulator, websiteId);
  const ideal = (slow.calls * LATENCY_MS) / CONCURRENCY / 1000;

  console.log(
    'Crisp calls by route and outcome:',
    JSON.stringify(app.get(CrispRestService).stats.snapshot()),
  );
  const backfillRate = messages / fast.seconds;
  console.log('| measurement | value | ratio |');
  console.log('|---|---|---|');
  console.log(`| completeness (0 latency) | ${JSON.stringify(comparison)} | |`);
  console.log(
    `| REST calls (0 latency) | ${fast.calls} | ${(fast.calls / minimum).toFixed(3)} × minimum ${minimum} |`,
  );
  console.log(
    `| backfill, 0 latency, first in a fresh process | ${fast.seconds.toFixed(2)} s, ${backfillRate.toFixed(0)} messages/s | ${(backfillRate / ceiling).toFixed(2)} × batched-upsert ceiling, ${(backfillRate / naive).toFixed(1)} × naive saves |`,
  );
  if (warm.length > 0) {
    const median = [...warm].sort((a, b) => a - b)[Math.floor(warm.length / 2)];
    console.log(
      `| backfill, 0 latency, warmed up (${warm.length} more runs) | median ${median.toFixed(0)} messages/s (${Math.min(...warm).toFixed(0)}–${Math.max(...warm).toFixed(0)}) | ${(median / ceiling).toFixed(2)} × batched-upsert ceiling |`,
    );
  }
  console.log(`| batched-upsert ceiling (baseline) | ${ceiling.toFixed(0)} rows/s | 1.00 |`);
  console.log(
    `| batched upsert, 1,000 a batch, 1 connection | ${largeBatchCeiling.toFixed(0)} rows/s | ${(largeBatchCeiling / ceiling).toFixed(2)} × ceiling |`,
  );
  console.log(
    `| naive per-row save() (baseline) | ${naive.toFixed(0)} rows/s | ${(naive / ceiling).toFixed(3)} × ceiling |`,
  );
  console.log(
    `| backfill, ${LATENCY_MS} ms latency | ${slow.seconds.toFixed(2)} s, ${slow.calls} calls | ${(slow.seconds / ideal).toFixed(2)} × ideal ${ideal.toFixed(2)} s (calls × ${LATENCY_MS} ms / ${CONCURRENCY}) |`,
  );
  console.log(`| CPU, 0 latency | ${describeCpu(fast.cpu, fast.seconds)} | |`);
  console.log(`| CPU, ${LATENCY_MS} ms latency | ${describeCpu(slow.cpu, slow.seconds)} | |`);
  console.log(`| job status | ${fast.done.status} / ${slow.done.status} | |`);

  await app.close();
  await simulator.command({ type: 'stop' });
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
